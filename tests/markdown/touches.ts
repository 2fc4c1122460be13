/**
 * Counts the characters a piece of code reads through the string and regex primitives, measured
 * from outside (the parser carries no counters): charCodeAt, indexOf, startsWith and RegExp
 * exec/test are wrapped while `run` executes (slice counts one step: V8 does not copy long slices). A parser that rescans what it already read
 * shows up as a count that grows faster than the text. Synchronous code only.
 */
type Fn = (...args: never[]) => unknown

let touched = 0

function scanned(input: string, from: number, match: RegExpExecArray | null): number {
  return match ? match.index + match[0].length - from : input.length - from
}

const originals = {
  charCodeAt: String.prototype.charCodeAt,
  indexOf: String.prototype.indexOf,
  startsWith: String.prototype.startsWith,
  slice: String.prototype.slice,
  exec: RegExp.prototype.exec,
}

function install(): void {
  const o = originals
  String.prototype.charCodeAt = function (this: string, i?: number) {
    touched++
    return o.charCodeAt.call(this, i as number)
  }
  String.prototype.indexOf = function (this: string, search: string, from?: number) {
    const at = o.indexOf.call(this, search, from)
    touched += at < 0 ? this.length - (from ?? 0) : at - (from ?? 0) + search.length
    return at
  }
  String.prototype.startsWith = function (this: string, search: string, at?: number) {
    touched += search.length
    return o.startsWith.call(this, search, at)
  }
  // V8 makes a long slice a view of its parent without copying: one step, not its length.
  String.prototype.slice = function (this: string, start?: number, end?: number) {
    touched++
    return o.slice.call(this, start, end)
  }
  // `test`, `match`, `replace` and `split` all go through exec.
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    const from = this.global || this.sticky ? this.lastIndex : 0
    const match = o.exec.call(this, input)
    touched += scanned(String(input), from, match)
    return match
  }
}

function uninstall(): void {
  for (const [name, fn] of Object.entries(originals) as [keyof typeof originals, Fn][]) {
    if (name === 'exec') RegExp.prototype.exec = fn as RegExp['exec']
    else (String.prototype as unknown as Record<string, Fn>)[name] = fn
  }
}

/** Characters `run` read through the wrapped primitives. */
export function touches(run: () => void): number {
  const before = touched
  install()
  try {
    run()
  } finally {
    uninstall()
  }
  return touched - before
}
