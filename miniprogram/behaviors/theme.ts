import { currentTheme, watchTheme } from '../services/ui'

const unsubscribers = new WeakMap<object, () => void>()

/**
 * Gives a page `data.theme` ('light' | 'dark') from the system theme and keeps
 * it current; templates put `theme-{{theme}}` on their root so the CSS
 * variables in app.wxss switch even where `prefers-color-scheme` is missing.
 */
export const themeBehavior = Behavior({
  data: { theme: 'light' as 'light' | 'dark' },
  lifetimes: {
    attached() {
      this.setData({ theme: currentTheme() })
      unsubscribers.set(
        this,
        watchTheme((theme) => this.setData({ theme })),
      )
    },
    detached() {
      unsubscribers.get(this)?.()
      unsubscribers.delete(this)
    },
  },
})
