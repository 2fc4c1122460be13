import type { GenerationConfig } from '../config'
import { RelayError } from '../errors'
import type { GenerationRecorder } from './recorder'

/** A generation running in this process. */
export interface LiveGeneration {
  id: string
  owner: string
  recorder: GenerationRecorder
  /** Readers attached in this process now. */
  attached: number
  /** Since when nobody has been attached (the clock's time); meaningful while `attached` is 0. */
  detachedSince: number
}

/** The error readers get when a generation is cancelled (by its caller, or because nobody was attached). */
export function cancelled(message = 'The generation was cancelled'): RelayError {
  return new RelayError(499, 'cancelled', message)
}

/**
 * The generations this process runs: the caps (per caller and in all, checked before the upstream is
 * called), who is attached, and the detached timeout — an answer nobody reads for that long is
 * cancelled, so a client that went away for good does not keep paying for tokens.
 */
export class GenerationRegistry {
  private readonly live = new Map<string, LiveGeneration>()
  /** Places held per caller and in all: the live generations and those being started. */
  private readonly perOwner = new Map<string, number>()
  private count = 0
  private readonly sweeper: NodeJS.Timeout

  /** Generations whose readers elsewhere are being asked about (one question at a time each). */
  private readonly asking = new Set<string>()

  constructor(
    private readonly config: GenerationConfig,
    private readonly now: () => number,
    /** When a reader on another instance last followed `id` (Redis), or null: it counts as attached. */
    private readonly seenElsewhere: (id: string) => Promise<number | null> = async () => null,
  ) {
    // Checked on a timer rather than one timer per generation: at most a second late, and O(live) per second.
    this.sweeper = setInterval(() => this.sweep(), Math.min(1000, config.detachedTimeoutMs))
    this.sweeper.unref()
  }

  /**
   * Refuses a new generation of `owner` past the caps (429: the caller may retry once one ended);
   * otherwise holds its place at once — the store is asked next, and starts racing meanwhile must
   * not all fit under the cap. `add` keeps the place; the returned function gives it back.
   */
  admit(owner: string): () => void {
    if ((this.perOwner.get(owner) ?? 0) >= this.config.perCaller) {
      throw new RelayError(429, 'too_many_generations', 'Too many answers in progress, wait for one to end', {
        'Retry-After': '5',
      })
    }
    if (this.count >= this.config.max) {
      throw new RelayError(429, 'relay_at_capacity', 'The relay is busy, please retry', {
        'Retry-After': '5',
      })
    }
    this.count++
    this.perOwner.set(owner, (this.perOwner.get(owner) ?? 0) + 1)
    let held = true
    return () => {
      if (!held) return
      held = false
      this.release(owner)
    }
  }

  /** Runs `id` in the place `admit` held for `owner`. */
  add(id: string, owner: string, recorder: GenerationRecorder): void {
    this.live.set(id, { id, owner, recorder, attached: 0, detachedSince: this.now() })
  }

  remove(id: string): void {
    const generation = this.live.get(id)
    if (!generation) return
    this.live.delete(id)
    this.release(generation.owner)
  }

  get(id: string): LiveGeneration | undefined {
    return this.live.get(id)
  }

  /** Counts a reader of `id` (if it runs here); call the returned function when it leaves. */
  attach(id: string): () => void {
    const generation = this.live.get(id)
    if (!generation) return () => undefined
    generation.attached++
    let attached = true
    return () => {
      if (!attached) return
      attached = false
      generation.attached--
      if (generation.attached === 0) generation.detachedSince = this.now()
    }
  }

  /** Ends `id` with `error` if it runs here; true when it did. */
  stop(id: string, error: unknown): boolean {
    const generation = this.live.get(id)
    if (!generation) return false
    generation.recorder.stop(error)
    return true
  }

  /** Ends every live generation (the relay is shutting down). */
  stopAll(error: unknown): void {
    for (const id of [...this.live.keys()]) this.stop(id, error)
  }

  close(): void {
    clearInterval(this.sweeper)
  }

  private release(owner: string): void {
    this.count--
    const left = (this.perOwner.get(owner) ?? 1) - 1
    if (left > 0) this.perOwner.set(owner, left)
    else this.perOwner.delete(owner)
  }

  private sweep(): void {
    const now = this.now()
    for (const generation of [...this.live.values()]) {
      if (generation.attached > 0 || now - generation.detachedSince < this.config.detachedTimeoutMs) continue
      if (this.asking.has(generation.id)) continue
      this.asking.add(generation.id)
      // A reader on another instance (Redis) keeps it alive too; a store that cannot say does not.
      this.seenElsewhere(generation.id)
        .catch(() => null)
        .then((seen) => {
          this.asking.delete(generation.id)
          if (seen !== null && this.now() - seen < this.config.detachedTimeoutMs) {
            generation.detachedSince = Math.max(generation.detachedSince, seen)
            return
          }
          if (generation.attached > 0) return
          this.stop(generation.id, cancelled('Nobody was attached to the generation, so it was cancelled'))
        })
    }
  }
}
