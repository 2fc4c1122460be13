/** A built-in component definition in mini-program `Component()` form (`this` is loosely typed on purpose). */
export type BuiltinDef = Record<string, unknown>

/** `this` inside a built-in: the adapter instance with its underlying glass-easel component in `_$`. */
export interface BuiltinThis {
  data: Record<string, unknown>
  setData(d: Record<string, unknown>): void
  triggerEvent(name: string, detail?: unknown, options?: Record<string, unknown>): void
  _$: {
    getBackendElement(): unknown
    ownerShadowRoot: { getElementById(id: string): { getBackendElement(): unknown } | undefined } | null
  }
  [key: string]: unknown
}

/** The DOM element that hosts a built-in (its tag is the WXML tag, e.g. a real <textarea>). */
export function hostOf<T extends HTMLElement = HTMLElement>(self: BuiltinThis): T {
  return self._$.getBackendElement() as T
}

/**
 * Listens to a native DOM event on a built-in's host and keeps it from glass-easel: a page's
 * `bindinput`/`bindscroll` also adds a DOM listener on the host, which would deliver the raw DOM event
 * (wrong detail) before the built-in's own mini-program event. Capture listeners run first at the target.
 */
export function listen(el: HTMLElement, type: string, fn: (ev: Event) => void): void {
  el.addEventListener(
    type,
    (ev) => {
      ev.stopImmediatePropagation()
      fn(ev)
    },
    { capture: true },
  )
}
