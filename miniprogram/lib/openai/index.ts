/**
 * The only reader of OpenAI wire shapes — chunks, whole completions, error bodies, model lists —
 * used by the stream decoder, the non-streaming path, the settings page and the relay.
 */
export { readChunk } from './chunk'
export { type ErrorFields, readErrorFields, readErrorText, toErrorUpdate } from './error'
export { parseModelList } from './models'
