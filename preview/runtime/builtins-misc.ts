import type { BuiltinDef, BuiltinThis } from './builtin-host'
import { hostOf } from './builtin-host'
import { displayUrl } from './files'

const ICONS: Record<string, string> = {
  success: '✔',
  success_no_circle: '✓',
  info: 'ℹ',
  warn: '!',
  waiting: '…',
  cancel: '✕',
  download: '↓',
  search: '⌕',
  clear: '✕',
}

const FIT: Record<string, string> = {
  scaleToFill: 'fill',
  aspectFit: 'contain',
  aspectFill: 'cover',
  widthFix: 'fill',
  heightFix: 'fill',
}

const SAFE_TAGS = new Set([
  'p',
  'div',
  'span',
  'b',
  'strong',
  'i',
  'em',
  'code',
  'pre',
  'br',
  'ul',
  'ol',
  'li',
  'a',
  'h1',
  'h2',
  'h3',
  'h4',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'blockquote',
  'img',
  'hr',
  'sub',
  'sup',
  'del',
])

type RichNode = {
  type?: string
  name?: string
  attrs?: Record<string, string>
  children?: RichNode[]
  text?: string
}

/** Builds DOM for rich-text nodes (array form); an HTML string is parsed first. Unknown tags become spans. */
function renderRich(nodes: unknown): DocumentFragment {
  const frag = document.createDocumentFragment()
  if (typeof nodes === 'string') {
    const doc = new DOMParser().parseFromString(nodes, 'text/html')
    const toNodes = (el: Element | ChildNode): RichNode =>
      el.nodeType === Node.TEXT_NODE
        ? { type: 'text', text: el.textContent ?? '' }
        : {
            name: (el as Element).tagName.toLowerCase(),
            attrs: Object.fromEntries(Array.from((el as Element).attributes).map((a) => [a.name, a.value])),
            children: Array.from(el.childNodes).map(toNodes),
          }
    return renderRich(Array.from(doc.body.childNodes).map(toNodes))
  }
  for (const n of (nodes as RichNode[] | null) ?? []) {
    if (n.type === 'text') {
      frag.appendChild(document.createTextNode(n.text ?? ''))
      continue
    }
    const tag = n.name && SAFE_TAGS.has(n.name) ? n.name : 'span'
    const el = document.createElement(tag)
    for (const [k, v] of Object.entries(n.attrs ?? {})) {
      if (['class', 'style', 'src', 'alt', 'width', 'height', 'colspan', 'rowspan'].includes(k))
        el.setAttribute(k, v)
    }
    el.appendChild(renderRich(n.children ?? []))
    frag.appendChild(el)
  }
  return frag
}

/** icon, image, navigator, rich-text. */
export function miscBuiltins(): Record<string, BuiltinDef> {
  return {
    icon: {
      properties: { type: String, size: { type: null, value: 23 }, color: String },
      observers: {
        '**'(this: BuiltinThis) {
          const size = typeof this.data.size === 'number' ? `${this.data.size}px` : String(this.data.size)
          const style = `display:inline-block;font-size:${size};line-height:1;color:${this.data.color || '#07c160'}`
          if (this.data._style !== style)
            this.setData({ _style: style, _glyph: ICONS[String(this.data.type)] ?? '●' })
        },
      },
    },
    image: {
      properties: {
        src: String,
        mode: { type: String, value: 'scaleToFill' },
        lazyLoad: Boolean,
        showMenuByLongpress: Boolean,
      },
      observers: {
        // A file of the preview's file system (wxfile://…) is shown through an object URL.
        src(this: BuiltinThis, src: string) {
          this.setData({ _src: displayUrl(src) })
        },
        mode(this: BuiltinThis, mode: string) {
          const fix = mode === 'widthFix'
          hostOf(this).toggleAttribute('wx-width-fix', fix)
          this.setData({
            _imgStyle: `display:block;width:100%;height:${fix ? 'auto' : '100%'};object-fit:${FIT[mode] ?? 'cover'}`,
          })
        },
      },
      lifetimes: {
        attached(this: BuiltinThis) {
          const img = hostOf(this).querySelector('img')
          img?.addEventListener('load', () =>
            this.triggerEvent('load', { width: img.naturalWidth, height: img.naturalHeight }),
          )
          img?.addEventListener('error', () => this.triggerEvent('error', { errMsg: 'image load failed' }))
        },
      },
    },
    navigator: {
      properties: {
        url: String,
        openType: { type: String, value: 'navigate' },
        delta: { type: Number, value: 1 },
      },
      lifetimes: {
        attached(this: BuiltinThis) {
          hostOf(this).addEventListener('click', () => {
            const { url, openType, delta } = this.data as { url: string; openType: string; delta: number }
            if (openType === 'navigateBack') wx.navigateBack({ delta })
            else if (openType === 'redirect') wx.redirectTo({ url })
            else if (openType === 'reLaunch') wx.reLaunch({ url })
            else wx.navigateTo({ url })
          })
        },
      },
    },
    'rich-text': {
      properties: { nodes: null, space: String, userSelect: Boolean },
      observers: {
        nodes(this: BuiltinThis, nodes: unknown) {
          const el = hostOf(this)
          el.replaceChildren(renderRich(nodes))
        },
      },
    },
  }
}
