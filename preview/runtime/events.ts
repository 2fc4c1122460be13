import { glassEasel } from 'glass-easel-miniprogram-adapter'

type WxNode = HTMLElement & { __wxElement?: glassEasel.Element }

const HOLD_MS = 350

function wxTarget(node: EventTarget | null): glassEasel.Element | null {
  let n = node as WxNode | null
  while (n && !n.__wxElement) n = n.parentNode as WxNode | null
  return n?.__wxElement ?? null
}

function fire(target: glassEasel.Element, ev: MouseEvent): void {
  const detail = { x: ev.clientX, y: ev.clientY }
  for (const type of ['longpress', 'longtap']) {
    glassEasel.triggerEvent(target, type, detail, {
      originalEvent: ev,
      bubbles: true,
      composed: true,
      capturePhase: true,
    })
  }
}

/**
 * glass-easel's DOM backend synthesizes `tap` but not `longpress`: a mouse held for 350 ms (or a right click,
 * the desktop habit for "more actions") fires longpress/longtap, and the click that ends a hold is swallowed
 * as WeChat does.
 */
export function installLongPress(): void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let held = false
  document.addEventListener(
    'mousedown',
    (ev) => {
      if (ev.button !== 0) return
      held = false
      const target = wxTarget(ev.target)
      if (!target) return
      timer = setTimeout(() => {
        held = true
        fire(target, ev)
      }, HOLD_MS)
    },
    true,
  )
  const cancel = () => clearTimeout(timer)
  document.addEventListener(
    'mousemove',
    (ev) => (Math.abs(ev.movementX) + Math.abs(ev.movementY) > 4 ? cancel() : undefined),
    true,
  )
  document.addEventListener(
    'mouseup',
    (ev) => {
      cancel()
      if (held) ev.stopPropagation()
    },
    true,
  )
  document.addEventListener('contextmenu', (ev) => {
    const target = wxTarget(ev.target)
    if (!target) return
    ev.preventDefault()
    fire(target, ev)
  })
}
