import { RelayError } from '../errors'

/** A 400 for a field the relay does not accept as given. */
export function bad(code: string, message: string): RelayError {
  return new RelayError(400, code, message)
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A number within [min, max], or absent. */
export function numberIn(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw bad('invalid_parameter', `${field} must be a number between ${min} and ${max}`)
  }
  return value
}

/** A positive whole number, lowered to `cap` (the client cannot know the relay's budget), or absent. */
export function cappedCount(value: unknown, field: string, cap: number): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw bad('invalid_parameter', `${field} must be a positive integer`)
  }
  return Math.min(value, cap)
}

/** One of `choices`, or absent. */
export function oneOf(value: unknown, field: string, choices: readonly string[]): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || !choices.includes(value)) {
    throw bad('invalid_parameter', `${field} must be one of ${choices.join(', ')}`)
  }
  return value
}

/** `stop`: a string or up to four strings, or absent. */
export function stopSequences(value: unknown): string | string[] | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (Array.isArray(value) && value.length <= 4 && value.every((item) => typeof item === 'string')) {
    return value as string[]
  }
  throw bad('invalid_parameter', 'stop must be a string or an array of at most 4 strings')
}
