/** DOM overlays for wx.showToast / showLoading / showModal / showActionSheet inside the phone frame. */

function layer(): HTMLElement {
  return document.getElementById('wx-phone') ?? document.body
}

function el(tag: string, cls: string, text?: string): HTMLElement {
  const e = document.createElement(tag)
  e.className = cls
  if (text !== undefined) e.textContent = text
  return e
}

let toastEl: HTMLElement | null = null
let toastTimer: ReturnType<typeof setTimeout> | undefined

/** Shows a toast (or a loading toast with `duration` 0 = until hidden). */
export function toast(title: string, icon: string, duration: number): void {
  hideToast()
  toastEl = el('div', `wx-toast wx-toast-${icon}`)
  if (icon !== 'none')
    toastEl.appendChild(el('div', 'wx-toast-icon', icon === 'loading' ? '◌' : icon === 'error' ? '✕' : '✓'))
  toastEl.appendChild(el('div', 'wx-toast-title', title))
  layer().appendChild(toastEl)
  if (duration > 0) toastTimer = setTimeout(hideToast, duration)
}

/** Hides the current toast or loading overlay. */
export function hideToast(): void {
  clearTimeout(toastTimer)
  toastEl?.remove()
  toastEl = null
}

/** Options of showModal (subset of wx.showModal's). */
export interface ModalOptions {
  title?: string
  content?: string
  showCancel?: boolean
  cancelText?: string
  confirmText?: string
  editable?: boolean
  placeholderText?: string
}

/** Shows a modal dialog; resolves with what the user chose (and the edited text when editable). */
export function modal(o: ModalOptions): Promise<{ confirm: boolean; cancel: boolean; content?: string }> {
  return new Promise((resolve) => {
    const mask = el('div', 'wx-mask')
    const box = el('div', 'wx-modal')
    if (o.title) box.appendChild(el('div', 'wx-modal-title', o.title))
    let input: HTMLTextAreaElement | null = null
    if (o.editable) {
      input = document.createElement('textarea')
      input.className = 'wx-modal-input'
      input.value = o.content ?? ''
      input.placeholder = o.placeholderText ?? ''
      box.appendChild(input)
    } else if (o.content) box.appendChild(el('div', 'wx-modal-content', o.content))
    const buttons = el('div', 'wx-modal-buttons')
    const close = (confirm: boolean) => {
      mask.remove()
      resolve({ confirm, cancel: !confirm, ...(input ? { content: input.value } : {}) })
    }
    if (o.showCancel !== false) {
      const cancel = el('button', 'wx-modal-cancel', o.cancelText ?? '取消')
      cancel.addEventListener('click', () => close(false))
      buttons.appendChild(cancel)
    }
    const ok = el('button', 'wx-modal-confirm', o.confirmText ?? '确定')
    ok.addEventListener('click', () => close(true))
    buttons.appendChild(ok)
    box.appendChild(buttons)
    mask.appendChild(box)
    layer().appendChild(mask)
    input?.focus()
  })
}

/** Shows an action sheet; resolves with the tapped index, or -1 when cancelled. */
export function actionSheet(items: string[]): Promise<number> {
  return new Promise((resolve) => {
    const mask = el('div', 'wx-mask wx-mask-bottom')
    const sheet = el('div', 'wx-sheet')
    const close = (i: number) => {
      mask.remove()
      resolve(i)
    }
    items.forEach((label, i) => {
      const item = el('button', 'wx-sheet-item', label)
      item.addEventListener('click', () => close(i))
      sheet.appendChild(item)
    })
    const cancel = el('button', 'wx-sheet-item wx-sheet-cancel', '取消')
    cancel.addEventListener('click', () => close(-1))
    sheet.appendChild(cancel)
    mask.addEventListener('click', (e) => {
      if (e.target === mask) close(-1)
    })
    mask.appendChild(sheet)
    layer().appendChild(mask)
  })
}
