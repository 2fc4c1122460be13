import type { BuiltinDef, BuiltinThis } from './builtin-host'
import { hostOf, listen } from './builtin-host'
import { actionSheet } from './ui'

type Field = HTMLTextAreaElement | HTMLInputElement

/** Keeps the DOM field in step with the component's properties without moving the caret needlessly. */
function syncField(self: BuiltinThis, el: Field): void {
  const d = self.data
  const value = d.value == null ? '' : String(d.value)
  if (el.value !== value) el.value = value
  el.placeholder = String(d.placeholder ?? '')
  el.disabled = Boolean(d.disabled)
  const max = Number(d.maxlength ?? 140)
  if (max >= 0) el.maxLength = max
  else el.removeAttribute('maxlength')
  if (el instanceof HTMLTextAreaElement && d.autoHeight) fitHeight(el)
  if ((d.focus || d.autoFocus) && document.activeElement !== el) setTimeout(() => el.focus(), 0)
}

/**
 * WeChat's input/textarea are block custom elements, so `width: auto` fills the line; an HTML field with
 * `width: auto` keeps its intrinsic ~20-character width instead. Fill the line when the author left the
 * width auto, except in flex/grid rows where the item's flex sizing already decides.
 */
function fillLineIfAuto(el: Field): void {
  const width = el.computedStyleMap?.().get('width')?.toString()
  const parent = el.parentElement ? getComputedStyle(el.parentElement).display : ''
  el.toggleAttribute('wx-fill', width === 'auto' && !/flex|grid/.test(parent))
}

function fitHeight(el: HTMLTextAreaElement): void {
  el.style.height = 'auto'
  el.style.height = `${el.scrollHeight}px`
}

/** Wires DOM events of a native field to mini-program events (input/focus/blur/confirm/linechange). */
function wireField(self: BuiltinThis, el: Field, confirmOnEnter: () => boolean): void {
  let lines = 0
  listen(el, 'input', () => {
    if (el instanceof HTMLTextAreaElement && self.data.autoHeight) fitHeight(el)
    self.triggerEvent('input', { value: el.value, cursor: el.selectionStart ?? el.value.length, keyCode: 0 })
    const now = el.value.split('\n').length
    if (now !== lines) {
      lines = now
      self.triggerEvent('linechange', { lineCount: now, height: el.scrollHeight })
    }
  })
  listen(el, 'focus', () => self.triggerEvent('focus', { value: el.value, height: 0 }))
  listen(el, 'blur', () => self.triggerEvent('blur', { value: el.value, cursor: el.selectionStart }))
  el.addEventListener('keydown', (ev) => {
    const e = ev as KeyboardEvent
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || !confirmOnEnter()) return
    e.preventDefault()
    self.triggerEvent('confirm', { value: el.value })
  })
}

/** The host is a real <button>: `type=button` so it never submits; WeChat's look keys off wx-* attributes. */
function syncButton(self: BuiltinThis): void {
  const el = hostOf<HTMLButtonElement>(self)
  el.disabled = Boolean(self.data.disabled)
  el.type = 'button'
  el.setAttribute('wx-type', String(self.data.type || 'default'))
  el.setAttribute('wx-size', String(self.data.size || 'default'))
  el.toggleAttribute('wx-plain', Boolean(self.data.plain))
  el.toggleAttribute('wx-loading', Boolean(self.data.loading))
}

const fieldProps = {
  value: String,
  placeholder: String,
  placeholderClass: String,
  placeholderStyle: String,
  disabled: Boolean,
  maxlength: { type: Number, value: 140 },
  focus: Boolean,
  autoFocus: Boolean,
  confirmType: String,
  cursorSpacing: Number,
  adjustPosition: { type: Boolean, value: true },
  holdKeyboard: Boolean,
}

function fieldDef(
  extraProps: Record<string, unknown>,
  confirmOnEnter: (d: Record<string, unknown>) => boolean,
) {
  return {
    properties: { ...fieldProps, ...extraProps },
    observers: {
      '**'(this: BuiltinThis) {
        if (this._ready) syncField(this, hostOf<Field>(this))
      },
    },
    lifetimes: {
      attached(this: BuiltinThis) {
        const el = hostOf<Field>(this)
        wireField(this, el, () => confirmOnEnter(this.data))
        this._ready = true
        syncField(this, el)
        requestAnimationFrame(() => fillLineIfAuto(el))
      },
    },
  }
}

/** textarea (host is a real <textarea>), input (real <input>), button (real <button>), switch, slider, picker. */
export function formBuiltins(): Record<string, BuiltinDef> {
  return {
    textarea: fieldDef(
      { autoHeight: Boolean, fixed: Boolean, showConfirmBar: Boolean, disableDefaultPadding: Boolean },
      (d) => Boolean(d.confirmType) && d.confirmType !== 'return',
    ),
    input: fieldDef({ type: String, password: Boolean, confirmHold: Boolean }, () => true),
    button: {
      properties: {
        type: String,
        size: String,
        plain: Boolean,
        disabled: Boolean,
        loading: Boolean,
        formType: String,
        openType: String,
      },
      observers: {
        '**'(this: BuiltinThis) {
          syncButton(this)
        },
      },
      lifetimes: {
        attached(this: BuiltinThis) {
          syncButton(this)
        },
      },
    },
    switch: {
      properties: { checked: Boolean, disabled: Boolean, type: String, color: String },
      observers: {
        '**'(this: BuiltinThis) {
          hostOf(this).toggleAttribute('wx-checked', Boolean(this.data.checked))
        },
      },
      lifetimes: {
        attached(this: BuiltinThis) {
          const el = hostOf(this)
          el.setAttribute('role', 'switch')
          el.addEventListener('click', () => {
            if (this.data.disabled) return
            const value = !el.hasAttribute('wx-checked')
            el.toggleAttribute('wx-checked', value)
            this.triggerEvent('change', { value })
          })
        },
      },
    },
    slider: {
      properties: {
        min: Number,
        max: { type: Number, value: 100 },
        step: { type: Number, value: 1 },
        value: Number,
        disabled: Boolean,
        showValue: Boolean,
      },
      observers: {
        '**'(this: BuiltinThis) {
          const r = hostOf(this).querySelector('input')
          if (!r) return
          r.min = String(this.data.min)
          r.max = String(this.data.max)
          r.step = String(this.data.step)
          r.value = String(this.data.value)
          r.disabled = Boolean(this.data.disabled)
        },
      },
      lifetimes: {
        attached(this: BuiltinThis) {
          const r = document.createElement('input')
          r.type = 'range'
          hostOf(this).appendChild(r)
          this.setData({ value: this.data.value })
          listen(r, 'input', () => this.triggerEvent('changing', { value: Number(r.value) }))
          listen(r, 'change', () => this.triggerEvent('change', { value: Number(r.value) }))
        },
      },
    },
    picker: {
      properties: { mode: String, range: Array, rangeKey: String, value: null, disabled: Boolean },
      lifetimes: {
        attached(this: BuiltinThis) {
          hostOf(this).addEventListener('click', () => {
            const range = (this.data.range as unknown[] | null) ?? []
            if (this.data.disabled || range.length === 0) return
            const key = this.data.rangeKey as string
            const labels = range.map((r) =>
              String(key && r && typeof r === 'object' ? (r as Record<string, unknown>)[key] : r),
            )
            actionSheet(labels).then((i) => {
              if (i >= 0) this.triggerEvent('change', { value: i })
              else this.triggerEvent('cancel', {})
            })
          })
        },
      },
    },
  }
}
