/**
 * Every Redis name of the generation store, in one place. The `{id}` hash tag keeps one generation's
 * keys in one slot, so a Redis Cluster can serve the pipelines that touch both.
 */
export const generationKeys = {
  /** Stream of frames; entry `n-0` is frame n, field `f` its bytes. */
  frames: (id: string) => `relay:gen:{${id}}:frames`,
  /** Hash: `owner`, and `end` (the last frame's id) once the generation ended. */
  meta: (id: string) => `relay:gen:{${id}}:meta`,
  /** Pub/sub channel: "frames were added" (the message carries nothing; readers read the stream). */
  notify: (id: string) => `relay:gen:{${id}}:notify`,
}

/** Pub/sub channel on which any instance asks the one running a generation to cancel it (message: the id). */
export const CANCEL_CHANNEL = 'relay:gen:cancel'

/** The generation id of a notify channel's name. */
export function idOfNotifyChannel(channel: string): string | null {
  return /^relay:gen:\{([A-Za-z0-9_-]+)\}:notify$/.exec(channel)?.[1] ?? null
}
