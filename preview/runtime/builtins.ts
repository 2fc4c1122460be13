import type { CodeSpace } from 'glass-easel-miniprogram-adapter'
import type { BuiltinDef } from './builtin-host'
import { BUILTIN_TEMPLATES, builtinPath } from './builtin-templates'
import { formBuiltins } from './builtins-form'
import { miscBuiltins } from './builtins-misc'
import { scrollViewBuiltin } from './builtins-scroll'
import type { CompiledTemplate } from './types'

/**
 * Registers web versions of WeChat's built-in components in the code space and makes them global, so WXML
 * `<scroll-view>` / `<textarea>` / `<button>` resolve to them while `<view>` / `<text>` stay plain DOM nodes.
 */
export function registerBuiltins(codeSpace: CodeSpace, template: (path: string) => CompiledTemplate): void {
  const defs: Record<string, BuiltinDef> = {
    ...formBuiltins(),
    ...miscBuiltins(),
    'scroll-view': scrollViewBuiltin(),
  }
  const space = codeSpace.getComponentSpace()
  for (const tag of Object.keys(BUILTIN_TEMPLATES)) {
    const def = defs[tag]
    if (!def) continue
    const path = builtinPath(tag)
    codeSpace.addComponentStaticConfig(path, { component: true, styleIsolation: 'shared' } as never)
    codeSpace.addCompiledTemplate(path, template(path))
    codeSpace
      .component(path)
      .definition(def as never)
      .register()
    space.setGlobalUsingComponent(tag, space.getComponentByUrl(path, ''))
  }
}
