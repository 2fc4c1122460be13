/**
 * Loads mini-program components and pages with miniprogram-simulate and the
 * official `wcc` template compiler, so tests run the real WXML.
 * Use from jsdom tests (`@jest-environment jsdom` docblock).
 */
import path from 'node:path'

/** A rendered node as miniprogram-simulate (j-component) hands it out; only what tests use. */
export interface Rendered {
  dom?: HTMLElement
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever page data they assert on
  data: Record<string, any>
  // biome-ignore lint/suspicious/noExplicitAny: tests call page methods and wrap setData
  instance: Record<string, any>
  attach(parent: Element): void
  detach(): void
  setData(data: Record<string, unknown>): void
  querySelector(selector: string): Rendered | undefined
  querySelectorAll(selector: string): Rendered[]
  dispatchEvent(name: string, detail?: Record<string, unknown>): void
  addEventListener(name: string, listener: (event: { detail: never }) => void): void
  triggerLifeTime(name: string, ...args: unknown[]): void
  triggerPageLifeTime(name: string, ...args: unknown[]): void
}

interface SimulateApi {
  load(componentPath: string, tagName: string, options: { compiler: 'official'; rootPath: string }): string
  render(id: string, properties?: Record<string, unknown>): Rendered
  sleep(ms: number): Promise<void>
}

// Required untyped on purpose: its typings pull in j-component's own, older copy of
// miniprogram-api-typings, whose duplicate globals break the typing of `Component()` everywhere.
const simulate = require('miniprogram-simulate') as SimulateApi

// jsdom has no setImmediate; the wx.request double yields with it between chunks.
const timers = globalThis as unknown as { setImmediate?: (fn: () => void) => unknown }
timers.setImmediate ??= (fn: () => void) => setTimeout(fn, 0)

/** The mini program's root folder (what `wcc` compiles). */
export const MINIPROGRAM_ROOT = path.resolve(__dirname, '../../miniprogram')

const loaded = new Map<string, string>()

/**
 * Registers the component at `relPath` (e.g. `components/markdown-block/index`,
 * `pages/chat/index`) once per test file and returns its id. A page module runs
 * its `Component()` call only when first required, so ids are cached.
 */
export function loadComponent(relPath: string, tagName = 'main'): string {
  const cached = loaded.get(relPath)
  if (cached) return cached
  const id = simulate.load(path.join(MINIPROGRAM_ROOT, relPath), tagName, {
    compiler: 'official',
    rootPath: MINIPROGRAM_ROOT,
  })
  loaded.set(relPath, id)
  return id
}

const mounted = new Set<Rendered>()

/** Renders a fresh instance and attaches it to a document node (runs `attached`). */
export function mount(relPath: string, properties?: Record<string, unknown>): Rendered {
  const component = simulate.render(loadComponent(relPath), properties)
  component.attach(document.createElement('parent-wrapper'))
  mounted.add(component)
  return component
}

/** Detaches everything `mount` attached (runs `detached`: requests stop, timers clear). Call in afterEach. */
export function unmountAll(): void {
  for (const component of mounted) {
    try {
      component.detach()
    } catch {
      // Already detached by the test.
    }
  }
  mounted.clear()
}

/** Waits on real timers (the request double and the setData merge window use them). */
export function sleep(ms: number): Promise<void> {
  return simulate.sleep(ms)
}

/** Polls `check` until it returns true or `timeoutMs` passes; throws with `what` on timeout. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await simulate.sleep(10)
  }
}

/**
 * All nodes matching `selector`. Each component has its own shadow tree, so
 * `a >>> b` looks for `b` inside every child component matching `a`
 * (e.g. `.md >>> .md-bold`).
 */
export function all(component: Rendered, selector: string): Rendered[] {
  let scope = [component]
  for (const part of selector.split('>>>').map((p) => p.trim())) {
    scope = scope.flatMap((node) => node.querySelectorAll(part))
  }
  return scope
}

/** The first node matching `selector` (`>>>` crosses into child components), or undefined. */
export function find(component: Rendered, selector: string): Rendered | undefined {
  return all(component, selector)[0]
}

/** Visible text of a rendered node (what the user reads). */
export function textOf(component: Rendered, selector?: string): string {
  const target = selector ? find(component, selector) : component
  return target?.dom?.textContent?.replace(/\s+/g, ' ').trim() ?? ''
}

/** Taps the first node matching `selector`; throws when there is none (so a missing button fails the test). */
export function tap(component: Rendered, selector: string): void {
  const node = find(component, selector)
  if (!node) throw new Error(`nothing to tap at ${selector}`)
  node.dispatchEvent('tap')
}

/** Visible text of every node matching `selector`, in document order. */
export function texts(component: Rendered, selector: string): string[] {
  return all(component, selector).map((node) => node.dom?.textContent?.replace(/\s+/g, ' ').trim() ?? '')
}
