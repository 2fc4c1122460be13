import { withAiLabel } from '../lib/review/label'
import { withPrivacy } from './privacy'

/**
 * The UI's door to `wx` (pages and components stay free of direct calls):
 * clipboard, toasts, dialogs, navigation and the system theme.
 */

/**
 * Copies `text` and confirms with a short toast. The clipboard is a privacy API: a user who has
 * not agreed to the privacy guide is asked first (services/privacy); resolves whether it was copied.
 */
export async function copyText(text: string, notice = '已复制'): Promise<boolean> {
  const copied = await withPrivacy(
    () =>
      new Promise<true>((resolve, reject) => {
        wx.setClipboardData({ data: text, success: () => resolve(true), fail: reject })
      }),
    toast,
  ).catch(() => undefined)
  if (copied) toast(notice)
  return copied === true
}

/** Copies AI-generated text with the AI label as its last line (it must survive copying). */
export function copyAiText(text: string, label: string, notice = '已复制'): Promise<boolean> {
  return copyText(withAiLabel(text, label), notice)
}

/** Asks which of `items` (at most 6); resolves its index, or -1 when the user cancels. */
export function chooseAction(items: string[]): Promise<number> {
  return new Promise((resolve) => {
    wx.showActionSheet({
      itemList: items,
      success: (res) => resolve(res.tapIndex),
      fail: () => resolve(-1),
    })
  })
}

/** A short notice that never blocks the chat (errors of saving, trimmed requests…). */
export function toast(title: string): void {
  wx.showToast({ title, icon: 'none' })
}

/** Asks for confirmation; resolves true when the user confirms. */
export function confirm(title: string, content: string, confirmText = '确定'): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content,
      confirmText,
      confirmColor: '#e5484d',
      success: (res) => resolve(res.confirm),
      fail: () => resolve(false),
    })
  })
}

/** Asks for a line of text (an editable modal); resolves null when cancelled. */
export function promptText(title: string, value: string): Promise<string | null> {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      editable: true,
      placeholderText: value,
      content: value,
      success: (res) => resolve(res.confirm ? (res.content ?? '') : null),
      fail: () => resolve(null),
    })
  })
}

/** Pages go through here so a test double of `wx` sees every navigation. */
export function navigate(url: string): void {
  wx.navigateTo({ url })
}

export function goBack(): void {
  wx.navigateBack({ delta: 1 })
}

/** The conversation's title lives only in the navigation bar (the page has no title row). */
export function setTitle(title: string): void {
  try {
    wx.setNavigationBarTitle({ title })
  } catch {
    // Not available everywhere (tests, old base libraries): the title is cosmetic.
  }
}

/** The system theme ('dark' or 'light'). */
export function currentTheme(): 'dark' | 'light' {
  try {
    const info = typeof wx.getAppBaseInfo === 'function' ? wx.getAppBaseInfo() : wx.getSystemInfoSync()
    return info.theme === 'dark' ? 'dark' : 'light'
  } catch {
    return 'light'
  }
}

/** Calls `listener` when the system theme changes; returns the unsubscribe function. */
export function watchTheme(listener: (theme: 'dark' | 'light') => void): () => void {
  if (typeof wx.onThemeChange !== 'function') return () => undefined
  const handler = (res: { theme: 'dark' | 'light' }) => listener(res.theme === 'dark' ? 'dark' : 'light')
  wx.onThemeChange(handler)
  return () => {
    if (typeof wx.offThemeChange === 'function') wx.offThemeChange(handler)
  }
}

/** Storage key through which the conversations page asks the chat page to open a conversation. */
const OPEN_KEY = 'ui:open'

/** Asks the chat page to open conversation `id` ('' for a new one) when it shows again. */
export function requestOpen(id: string): void {
  wx.setStorageSync(OPEN_KEY, { id })
}

/** The pending open request, consumed: undefined when there is none. */
export function takeOpenRequest(): string | undefined {
  try {
    const raw: unknown = wx.getStorageSync(OPEN_KEY)
    if (!raw || typeof raw !== 'object') return undefined
    wx.removeStorageSync(OPEN_KEY)
    const id = (raw as { id?: unknown }).id
    return typeof id === 'string' ? id : undefined
  } catch {
    return undefined
  }
}
