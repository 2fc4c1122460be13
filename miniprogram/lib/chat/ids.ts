let counter = 0

/** A conversation or message id: time, a counter and a little randomness, unique within the app. */
export function newId(prefix: string): string {
  counter++
  return `${prefix}${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 6)}`
}

/** A relay generation id (`^[A-Za-z0-9_-]{8,64}$`): unguessable enough that ids never collide. */
export function newGenerationId(): string {
  let random = ''
  while (random.length < 16) random += Math.random().toString(36).slice(2)
  return `g${Date.now().toString(36)}${random.slice(0, 16)}`
}

/** The ids a new answer needs: its message's and its relay generation's. */
export function answerIds(): { assistantId: string; generationId: string } {
  return { assistantId: newId('a'), generationId: newGenerationId() }
}
