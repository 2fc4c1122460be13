/**
 * Every Redis name of the generation store, in one place. The `{id}` hash tag keeps one generation's
 * keys in one slot, so a Redis Cluster can serve the pipelines that touch both.
 */
export const generationKeys = {
  /** Stream of frames; entry `n-0` is frame n, field `f` its bytes. */
  frames: (id: string) => `relay:gen:{${id}}:frames`,
  /** Hash: `owner`, and `end` (the last frame's id) once the generation ended. */
  meta: (id: string) => `relay:gen:{${id}}:meta`,
  /** When a reader on an instance other than the one running it last polled (ms, that instance's clock). */
  seen: (id: string) => `relay:gen:{${id}}:seen`,
}

/**
 * Pub/sub channel of "frames were added": one message per write batch of an instance, the ids of
 * the generations it wrote, space-separated. One channel rather than one per generation: one
 * PUBLISH per batch, not per event, and one subscription per instance, not per reader.
 */
export const FRAMES_CHANNEL = 'relay:gen:frames'

/** Pub/sub channel on which any instance asks the one running a generation to cancel it (message: the id). */
export const CANCEL_CHANNEL = 'relay:gen:cancel'
