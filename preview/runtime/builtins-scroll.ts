import type { BuiltinDef, BuiltinThis } from './builtin-host'
import { hostOf, listen } from './builtin-host'

/** Scrolls the host so that the element with WXML id `id` (in the page's shadow tree) is at the top. */
function scrollIntoView(self: BuiltinThis, id: string): void {
  const el = hostOf(self)
  const target = self._$.ownerShadowRoot?.getElementById(id)?.getBackendElement() as HTMLElement | undefined
  if (!target) return
  const top = target.getBoundingClientRect().top - el.getBoundingClientRect().top + el.scrollTop
  el.scrollTo({ top, behavior: self.data.scrollWithAnimation ? 'smooth' : 'auto' })
}

/**
 * scroll-view: the host element itself scrolls (enable-flex only lets the page's own `display: flex` apply,
 * as in WeChat; it never makes the view a flex container by itself). scroll-top / scroll-into-view are applied after the frame's
 * layout (content set in the same setData must be rendered first); scroll, scrolltolower and scrolltoupper
 * carry the same detail fields as WeChat's.
 */
export function scrollViewBuiltin(): BuiltinDef {
  return {
    properties: {
      scrollX: Boolean,
      scrollY: Boolean,
      scrollTop: null,
      scrollLeft: null,
      scrollIntoView: String,
      scrollWithAnimation: Boolean,
      upperThreshold: { type: Number, value: 50 },
      lowerThreshold: { type: Number, value: 50 },
      enhanced: Boolean,
      showScrollbar: { type: Boolean, value: true },
      enableFlex: Boolean,
    },
    observers: {
      'scrollX, scrollY'(this: BuiltinThis) {
        const el = hostOf(this)
        el.style.overflowX = this.data.scrollX ? 'auto' : 'hidden'
        el.style.overflowY = this.data.scrollY ? 'auto' : 'hidden'
      },
      scrollTop(this: BuiltinThis, v: unknown) {
        if (v === null || v === undefined || v === '') return
        requestAnimationFrame(() => {
          const el = hostOf(this)
          el.scrollTo({ top: Number(v), behavior: this.data.scrollWithAnimation ? 'smooth' : 'auto' })
        })
      },
      scrollIntoView(this: BuiltinThis, id: unknown) {
        if (id) requestAnimationFrame(() => scrollIntoView(this, String(id)))
      },
    },
    lifetimes: {
      attached(this: BuiltinThis) {
        const el = hostOf(this)
        el.style.overflowX = this.data.scrollX ? 'auto' : 'hidden'
        el.style.overflowY = this.data.scrollY ? 'auto' : 'hidden'
        let lastTop = el.scrollTop
        let lowerFired = false
        let upperFired = false
        listen(el, 'scroll', () => {
          const { scrollTop, scrollLeft, scrollHeight, scrollWidth, clientHeight } = el
          this.triggerEvent('scroll', {
            scrollTop,
            scrollLeft,
            scrollHeight,
            scrollWidth,
            deltaX: 0,
            deltaY: scrollTop - lastTop,
          })
          const nearBottom = scrollHeight - scrollTop - clientHeight <= Number(this.data.lowerThreshold)
          if (nearBottom && !lowerFired && scrollTop > lastTop)
            this.triggerEvent('scrolltolower', { direction: 'bottom' })
          lowerFired = nearBottom
          const nearTop = scrollTop <= Number(this.data.upperThreshold)
          if (nearTop && !upperFired && scrollTop < lastTop)
            this.triggerEvent('scrolltoupper', { direction: 'top' })
          upperFired = nearTop
          lastTop = scrollTop
        })
      },
    },
  }
}
