import { fileSystemManager, readBlob, USER_DATA_PATH } from './runtime/files'
import { chooseMedia, compressImage, getImageInfo, previewImage } from './runtime/media'
import { recorderManager } from './runtime/recorder'
import type { RequestOptions } from './runtime/request'
import { dropConnections, request, uploadFile } from './runtime/request'
import type { Router } from './runtime/router'
import { storage } from './runtime/storage'
import type { PreviewConfig } from './runtime/types'
import type { ModalOptions } from './runtime/ui'
import { actionSheet, hideToast, modal, toast } from './runtime/ui'

type Cb = { success?: (r: unknown) => void; fail?: (e: unknown) => void; complete?: (r: unknown) => void }
type Opts = Cb & Record<string, unknown>

/** Runs an async wx API: callbacks when given, a Promise otherwise (as the base library does). */
function api(name: string, o: Opts | undefined, run: () => unknown): Promise<unknown> | undefined {
  const p = Promise.resolve()
    .then(run)
    .then((r) => ({ errMsg: `${name}:ok`, ...(r as object) }))
  if (o && (o.success || o.fail || o.complete)) {
    p.then(
      (r) => {
        o.success?.(r)
        o.complete?.(r)
      },
      (e: unknown) => {
        const err = { errMsg: `${name}:fail ${e instanceof Error ? e.message : String(e)}` }
        o.fail?.(err)
        o.complete?.(err)
      },
    )
    return undefined
  }
  return p
}

function theme(): 'light' | 'dark' {
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

function config(): PreviewConfig {
  return (window as unknown as { __PREVIEW_CONFIG__?: PreviewConfig }).__PREVIEW_CONFIG__ ?? {}
}

/** Requests to the app's default relay go to the relay `npm start` / the tests actually started. */
function rewrite(url: string): string {
  const { relayUrl, defaultRelayUrl } = config()
  if (relayUrl && defaultRelayUrl && relayUrl !== defaultRelayUrl && url.startsWith(defaultRelayUrl)) {
    return relayUrl + url.slice(defaultRelayUrl.length)
  }
  return url
}

function systemInfo() {
  const frame = document.getElementById('wx-pages')
  const width = frame?.clientWidth || 375
  const height = frame?.clientHeight || window.innerHeight
  return {
    brand: 'devtools',
    model: 'Preview',
    pixelRatio: window.devicePixelRatio,
    screenWidth: width,
    screenHeight: height + 44,
    windowWidth: width,
    windowHeight: height,
    statusBarHeight: 0,
    safeArea: { left: 0, right: width, top: 0, bottom: height, width, height },
    language: 'zh_CN',
    version: '8.0.50',
    system: 'Preview',
    platform: 'devtools',
    SDKVersion: '3.6.0',
    theme: theme(),
    enableDebug: false,
  }
}

/** Installs `wx`, `App`, `getApp` and `getCurrentPages` on window, backed by the browser and the router. */
export function installWx(router: Router): void {
  let app: Record<string, unknown> = {}
  const themeCbs = new Set<(r: { theme: string }) => void>()
  const media = matchMedia('(prefers-color-scheme: dark)')
  const applyTheme = () => {
    document.documentElement.classList.toggle('dark', media.matches)
    document.documentElement.dataset.theme = theme()
    router.applyTheme(theme())
    for (const cb of [...themeCbs]) cb({ theme: theme() })
  }
  media.addEventListener('change', applyTheme)
  document.documentElement.classList.toggle('dark', media.matches)
  document.documentElement.dataset.theme = theme()
  const hideCbs = new Set<() => void>()
  const showCbs = new Set<() => void>()
  document.addEventListener('visibilitychange', () => {
    for (const cb of [...(document.hidden ? hideCbs : showCbs)]) cb()
  })
  const networkCbs = new Set<(r: { isConnected: boolean; networkType: string }) => void>()
  const network = (isConnected: boolean) => {
    for (const cb of [...networkCbs]) cb({ isConnected, networkType: isConnected ? 'wifi' : 'none' })
  }
  window.addEventListener('online', () => network(true))
  window.addEventListener('offline', () => network(false))
  // Debug switch (the e2e tests use it): drop the connection as a phone switching networks does.
  ;(window as unknown as Record<string, unknown>).__previewNetwork = {
    drop(offlineMs = 300) {
      network(false)
      const dropped = dropConnections()
      setTimeout(() => network(true), offlineMs)
      return dropped
    },
  }
  let clipboard = ''
  const nav = (kind: 'navigateTo' | 'redirectTo' | 'reLaunch') => (o: Opts) =>
    api(kind, o, () => router.open(kind, String(o.url)))

  let recorder: ReturnType<typeof recorderManager> | null = null
  const wx = {
    env: { USER_DATA_PATH },
    request: (o: RequestOptions) => request(o, rewrite),
    uploadFile: (o: Parameters<typeof uploadFile>[0]) => uploadFile(o, rewrite, readBlob),
    getFileSystemManager: fileSystemManager,
    chooseMedia,
    getImageInfo,
    compressImage,
    previewImage,
    // One recorder per app, as in WeChat.
    getRecorderManager: () => {
      recorder ??= recorderManager()
      return recorder
    },
    getSetting: (o?: Opts) => api('getSetting', o, () => ({ authSetting: { 'scope.record': true } })),
    authorize: (o: Opts) => api('authorize', o, () => ({})),
    openSetting: (o?: Opts) => api('openSetting', o, () => ({ authSetting: {} })),
    shareFileMessage: (o: Opts) => api('shareFileMessage', o, () => ({})),
    ...storage,
    getStorage: (o: Opts) => api('getStorage', o, () => ({ data: storage.getStorageSync(String(o.key)) })),
    setStorage: (o: Opts) => api('setStorage', o, () => storage.setStorageSync(String(o.key), o.data)),
    removeStorage: (o: Opts) => api('removeStorage', o, () => storage.removeStorageSync(String(o.key))),
    showToast: (o: Opts) =>
      api('showToast', o, () =>
        toast(String(o.title ?? ''), String(o.icon ?? 'success'), Number(o.duration ?? 1500)),
      ),
    hideToast: (o?: Opts) => api('hideToast', o, hideToast),
    showLoading: (o: Opts) => api('showLoading', o, () => toast(String(o.title ?? ''), 'loading', 0)),
    hideLoading: (o?: Opts) => api('hideLoading', o, hideToast),
    showModal: (o: Opts) => api('showModal', o, () => modal(o as ModalOptions)),
    showActionSheet: (o: Opts) =>
      api('showActionSheet', o, async () => {
        const tapIndex = await actionSheet((o.itemList as string[]) ?? [])
        if (tapIndex < 0) throw new Error('cancel')
        return { tapIndex }
      }),
    setClipboardData: (o: Opts) =>
      api('setClipboardData', o, async () => {
        clipboard = String(o.data ?? '')
        await navigator.clipboard?.writeText(clipboard).catch(() => undefined)
        toast('内容已复制', 'success', 1500)
      }),
    getClipboardData: (o?: Opts) => api('getClipboardData', o, () => ({ data: clipboard })),
    navigateTo: nav('navigateTo'),
    redirectTo: nav('redirectTo'),
    reLaunch: nav('reLaunch'),
    switchTab: nav('reLaunch'),
    navigateBack: (o?: Opts) => api('navigateBack', o, () => router.back(Number(o?.delta ?? 1))),
    setNavigationBarTitle: (o: Opts) =>
      api('setNavigationBarTitle', o, () => router.setTitle(String(o.title))),
    getSystemInfoSync: systemInfo,
    getSystemInfo: (o?: Opts) => api('getSystemInfo', o, systemInfo),
    getWindowInfo: systemInfo,
    getDeviceInfo: systemInfo,
    getAppBaseInfo: () => ({
      SDKVersion: '3.6.0',
      language: 'zh_CN',
      version: '8.0.50',
      theme: theme(),
      enableDebug: false,
    }),
    canIUse: () => true,
    login: (o?: Opts) =>
      api('login', o, () => ({ code: `preview-${Math.random().toString(36).slice(2, 10)}` })),
    onThemeChange: (cb: (r: { theme: string }) => void) => themeCbs.add(cb),
    offThemeChange: (cb: (r: { theme: string }) => void) => themeCbs.delete(cb),
    onNetworkStatusChange: (cb: (r: { isConnected: boolean; networkType: string }) => void) =>
      networkCbs.add(cb),
    offNetworkStatusChange: (cb: (r: { isConnected: boolean; networkType: string }) => void) =>
      networkCbs.delete(cb),
    getNetworkType: (o?: Opts) =>
      api('getNetworkType', o, () => ({ networkType: navigator.onLine ? 'wifi' : 'none' })),
    onAppHide: (cb: () => void) => hideCbs.add(cb),
    offAppHide: (cb: () => void) => hideCbs.delete(cb),
    onAppShow: (cb: () => void) => showCbs.add(cb),
    offAppShow: (cb: () => void) => showCbs.delete(cb),
    createSelectorQuery: () => {
      const top = router.pages().pop()
      if (!top) throw new Error('createSelectorQuery: no page is open')
      return (top.instance as unknown as { createSelectorQuery(): unknown }).createSelectorQuery()
    },
    pageScrollTo: (o: Opts) =>
      api('pageScrollTo', o, () =>
        router
          .pages()
          .pop()
          ?.el.scrollTo({ top: Number(o.scrollTop ?? 0) }),
      ),
    vibrateShort: (o?: Opts) => api('vibrateShort', o, () => undefined),
    vibrateLong: (o?: Opts) => api('vibrateLong', o, () => undefined),
    nextTick: (cb: () => void) => queueMicrotask(cb),
    getUpdateManager: () => ({
      onCheckForUpdate() {},
      onUpdateReady() {},
      onUpdateFailed() {},
      applyUpdate() {},
    }),
    reportAnalytics: () => undefined,
  }
  const w = window as unknown as Record<string, unknown>
  w.wx = wx
  w.App = (def: Record<string, unknown>) => {
    app = def
    const launch = { path: '', query: {}, scene: 1001 }
    ;(app.onLaunch as ((o: unknown) => void) | undefined)?.call(app, launch)
    ;(app.onShow as ((o: unknown) => void) | undefined)?.call(app, launch)
  }
  w.getApp = () => app
  w.getCurrentPages = () => router.pages().map((p) => p.instance)
}
