import type { AssociatedBackend, CodeSpace, Root } from 'glass-easel-miniprogram-adapter'
import type { BootInput } from './types'

/** One open page in the preview's page stack. */
export interface PageEntry {
  route: string
  options: Record<string, string>
  root: Root
  el: HTMLElement
  /** The page instance (`this` inside the page's methods). */
  instance: Record<string, unknown> & { route?: string; options?: Record<string, string> }
}

/** The page stack behind wx.navigateTo / redirectTo / navigateBack / reLaunch and getCurrentPages(). */
export interface Router {
  open(kind: 'navigateTo' | 'redirectTo' | 'reLaunch', url: string): void
  back(delta: number): void
  pages(): PageEntry[]
  setTitle(title: string): void
  /** Re-applies theme.json colours to the navigation bar (called on theme change). */
  applyTheme(theme: 'light' | 'dark'): void
}

function parseUrl(url: string, from: string | undefined): { route: string; options: Record<string, string> } {
  const [rawPath = '', query = ''] = url.split('?')
  let route = rawPath.replace(/^\//, '')
  if (!rawPath.startsWith('/') && from) {
    const parts = from.split('/').slice(0, -1)
    for (const seg of rawPath.split('/')) {
      if (seg === '..') parts.pop()
      else if (seg !== '.') parts.push(seg)
    }
    route = parts.join('/')
  }
  const options: Record<string, string> = {}
  for (const [k, v] of new URLSearchParams(query)) options[k] = v
  return { route, options }
}

function call(instance: Record<string, unknown>, name: string, ...args: unknown[]): void {
  const fn = instance[name]
  if (typeof fn === 'function') fn.apply(instance, args)
}

function frame(): { nav: HTMLElement; title: HTMLElement; back: HTMLElement; pages: HTMLElement } {
  const get = (id: string) => document.getElementById(id) as HTMLElement
  return { nav: get('wx-nav'), title: get('wx-nav-title'), back: get('wx-nav-back'), pages: get('wx-pages') }
}

/** Creates the router; pages are glass-easel roots attached into #wx-pages of index.html. */
export function createRouter(ab: AssociatedBackend, codeSpace: CodeSpace, input: BootInput): Router {
  const stack: PageEntry[] = []
  const win = (input.appConfig.window ?? {}) as Record<string, string>
  const ui = frame()
  let theme: 'light' | 'dark' = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
  const themed = (v: string | undefined) =>
    v?.startsWith('@') ? (input.theme[theme]?.[v.slice(1)] ?? undefined) : v
  const pageConfig = (route: string) =>
    (input.comps.find((c) => c.path === route)?.config ?? {}) as Record<string, string>

  const showTop = () => {
    const top = stack[stack.length - 1]
    stack.forEach((p) => {
      p.el.style.display = p === top ? '' : 'none'
    })
    if (!top) return
    const cfg = { ...win, ...pageConfig(top.route) }
    ui.title.textContent = cfg.navigationBarTitleText ?? ''
    ui.back.style.visibility = stack.length > 1 ? 'visible' : 'hidden'
    ui.nav.style.background = themed(cfg.navigationBarBackgroundColor) ?? ''
    ui.nav.style.color = themed(cfg.navigationBarTextStyle) === 'white' ? '#fff' : '#000'
    document.body.style.background = themed(cfg.backgroundColor) ?? ''
  }

  const hide = (p: PageEntry | undefined) => {
    if (!p) return
    p.root.getComponent().triggerPageLifetime('hide', [])
    call(p.instance, 'onHide')
  }
  const show = (p: PageEntry) => {
    showTop()
    p.root.getComponent().triggerPageLifetime('show', [])
    call(p.instance, 'onShow')
  }
  const unload = (p: PageEntry) => {
    call(p.instance, 'onUnload')
    p.root.release()
    p.el.remove()
  }

  const create = (url: string) => {
    const { route, options } = parseUrl(url, stack[stack.length - 1]?.route)
    const el = document.createElement('div')
    el.className = 'wx-page-frame'
    // A page with `disableScroll` never scrolls as a whole (its scroll-views do), as on a phone.
    if ((pageConfig(route) as Record<string, unknown>).disableScroll === true) el.style.overflowY = 'hidden'
    const placeholder = document.createElement('span')
    el.appendChild(placeholder)
    ui.pages.appendChild(el)
    const root = ab.createRoot('page', codeSpace, route)
    type BackendEl = Parameters<Root['attach']>[0]
    root.attach(el as unknown as BackendEl, placeholder as unknown as BackendEl)
    const instance = root.get() as unknown as PageEntry['instance']
    instance.route = route
    instance.options = options
    const entry: PageEntry = { route, options, root, el, instance }
    stack.push(entry)
    call(instance, 'onLoad', options)
    show(entry)
    requestAnimationFrame(() => call(instance, 'onReady'))
  }

  ui.back.addEventListener('click', () => router.back(1))
  const router: Router = {
    open(kind, url) {
      if (kind === 'navigateTo') hide(stack[stack.length - 1])
      if (kind === 'redirectTo') {
        const top = stack.pop()
        if (top) unload(top)
      }
      if (kind === 'reLaunch') {
        while (stack.length) unload(stack.pop()!)
      }
      create(url)
    },
    back(delta) {
      let n = Math.max(1, delta)
      while (n > 0 && stack.length > 1) {
        unload(stack.pop()!)
        n -= 1
      }
      const top = stack[stack.length - 1]
      if (top) show(top)
    },
    pages: () => stack.slice(),
    setTitle(title) {
      ui.title.textContent = title
    },
    applyTheme(next) {
      theme = next
      showTop()
    },
  }
  return router
}
