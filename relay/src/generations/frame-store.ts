/**
 * Where a generation's recorded frames live. A frame is one whole SSE event as the client gets it,
 * `id: n\n` first; frame n is the n-th, so "frames after Last-Event-ID" is a slice. Writers append
 * without waiting (the answer must not slow down for the store); readers pull, so a slow reader
 * holds a position, not a copy.
 */
export interface FrameStore {
  /** Claims `id` for `owner`; false when it exists already (then it is attached to, not started). */
  create(id: string, owner: string): Promise<boolean>
  /** The owner and, once ended, the id of the last frame; null when unknown or expired. */
  info(id: string): Promise<GenerationInfo | null>
  /**
   * Records `events` (whole SSE events, each with its blank line) as frames `firstId`, `firstId + 1`,
   * …: `frameHeader(n)` + the event. The store lays the bytes out itself, so an event is copied once,
   * into the store, and may be a view of an upstream read. Readers are told once per call.
   */
  append(id: string, firstId: number, events: Buffer[]): void
  /** The generation ended with frame `lastId`: it is kept for the TTL from now, then forgotten. */
  end(id: string, lastId: number): void
  /** Frames after `after` (a bounded batch) and the end id if known; null when the generation is gone. */
  read(id: string, after: number): Promise<FrameBatch | null>
  /**
   * The same read without waiting, when this process holds the frames (memory, or a generation
   * running here); undefined when only `read` can tell. Saves a promise per event on the hot path.
   */
  readNow(id: string, after: number): FrameBatch | null | undefined
  /** Calls `callback` whenever frames (or the end) of `id` may have been added; resolves to unsubscribe. */
  watch(id: string, callback: () => void): Promise<() => void>
  /**
   * A reader here follows `id`, which may run on another instance: called on attach and at every
   * poll, so that instance does not take the generation for abandoned (a no-op when it runs here).
   */
  touch(id: string): void
  /** When a reader on another instance last touched `id` (the clock's time), or null. */
  seenElsewhere(id: string): Promise<number | null>
  /** Asks whichever instance runs `id` to cancel it (this one included). */
  requestCancel(id: string): Promise<void>
  /** Where cancel requests arrive. */
  onCancelRequest(callback: (id: string) => void): void
  /** Resolves once every append so far is stored. */
  flush(): Promise<void>
  close(): Promise<void>
}

/** What the store knows of one generation. */
export interface GenerationInfo {
  /** `readerOf(userId)` of the caller who started it: who may read it. */
  owner: string
  /** The id of its last frame once it ended, else null (still live). */
  endId: number | null
}

/** One read: `count` whole frames, back to back in `data` (what a reader writes as it is). */
export interface FrameBatch {
  data: Buffer
  count: number
  endId: number | null
}

/** What goes before the event in frame n. */
export function frameHeader(n: number): string {
  return `id: ${n}\n`
}

/** The size of frame n of `event` (what the byte cap counts). */
export function frameSize(n: number, event: Buffer): number {
  // The digits of n counted, not `String(n).length`: no string per recorded event.
  let digits = 1
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++
  return 5 + digits + event.length
}

/** Frames returned by one read at most: a reader writes them, then reads on, so a replay streams. */
export const READ_BATCH = 512

/** Store settings shared by both kinds. */
export interface FrameStoreOptions {
  /** How long an ended generation stays readable. */
  ttlMs: number
  /** How long a live one may go without frames before the store may forget it (a crashed instance's). */
  liveTtlMs: number
  /** The clock (tests move it). */
  now: () => number
}
