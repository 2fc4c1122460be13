/** A WeChat-style callback bag. */
export type Callbacks<T> = {
  success?: (r: T) => void
  fail?: (e: { errMsg: string }) => void
  complete?: (r: unknown) => void
}

/** Runs `run` and answers through the bag as the base library does (`name:ok` / `name:fail …`). */
export function settle<T>(name: string, o: Callbacks<T>, run: () => T | Promise<T>): void {
  Promise.resolve()
    .then(run)
    .then(
      (r) => {
        o.success?.({ errMsg: `${name}:ok`, ...(r as object) } as T)
        o.complete?.(r)
      },
      (e: Error) => {
        const err = { errMsg: `${name}:fail ${e.message}` }
        o.fail?.(err)
        o.complete?.(err)
      },
    )
}
