import * as adapter from 'glass-easel-miniprogram-adapter'
import { installWx } from '../wx-shim'
import { registerBuiltins } from './builtins'
import { installLongPress } from './events'
import { createRouter } from './router'
import type { BootInput, CompiledTemplate } from './types'

const { glassEasel } = adapter

/**
 * Boots the mini program in the page: registers WXSS, built-ins and every component/page in one glass-easel
 * code space (as the glass-easel webpack plugin does), runs app.ts, then opens the first page.
 */
export function boot(input: BootInput): void {
  const env = new adapter.MiniProgramEnv()
  const backend = new glassEasel.CurrentWindowBackendContext()
  backend.onEvent((target, type, detail, options) => {
    glassEasel.triggerEvent(target, type, detail, options)
  })
  const ab = env.associateBackend(backend)
  const codeSpace = env.createCodeSpace('', true)
  for (const [path, css] of Object.entries(input.styles)) ab.registerStyleSheetContent(path, css)
  codeSpace.addStyleSheet('app', 'app')
  // The 1.x compiler emits legacy `bindtap="x"` as attributes; this flag makes the runtime bind them on
  // native nodes too (components get them regardless).
  const template = (path: string): CompiledTemplate => ({
    fallbackListenerOnNativeNode: true,
    groupList: input.groups as CompiledTemplate['groupList'],
    content: (input.groups as Record<string, CompiledTemplate['content']>)[path]!,
  })
  registerBuiltins(codeSpace, template)

  const router = createRouter(ab, codeSpace, input)
  installWx(router)
  installLongPress()
  input.loadApp()

  for (const comp of input.comps) {
    codeSpace.addComponentStaticConfig(comp.path, comp.config as never)
    codeSpace.addCompiledTemplate(comp.path, template(comp.path))
    if (input.styles[comp.path]) codeSpace.addStyleSheet(comp.path, comp.path, comp.scope)
    const load = input.loaders[comp.path]
    if (load) codeSpace.globalComponentEnv(window, comp.path, load)
  }
  const first = input.appConfig.pages?.[0]
  if (first) router.open('reLaunch', `/${first}`)
}
