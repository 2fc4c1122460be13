import type { glassEasel } from 'glass-easel-miniprogram-adapter'

/** Component info produced by preview/build.ts (same shape as CompInfo there). */
export interface BootComp {
  path: string
  config: { component?: boolean; styleIsolation?: string; usingComponents?: Record<string, string> } & Record<
    string,
    unknown
  >
  scope: string | undefined
  isPage: boolean
}

/** Everything the generated bundle entry hands to the browser runtime. */
export interface BootInput {
  appConfig: { pages?: string[]; window?: Record<string, unknown> } & Record<string, unknown>
  comps: BootComp[]
  groups: Record<string, unknown>
  styles: Record<string, string>
  theme: { light?: Record<string, string>; dark?: Record<string, string> }
  loadApp: () => unknown
  loaders: Record<string, () => unknown>
}

/** Runtime config served by the preview server as /config.js. */
export interface PreviewConfig {
  /** The relay the app should talk to (the preview's own relay). */
  relayUrl?: string
  /** The default relay URL compiled into the app's settings; requests to it go to relayUrl instead. */
  defaultRelayUrl?: string
}

/** A glass-easel compiled template as CodeSpace.addCompiledTemplate expects it. */
export type CompiledTemplate = glassEasel.template.ComponentTemplate
