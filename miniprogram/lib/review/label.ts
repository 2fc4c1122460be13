/**
 * Copied, exported and shared AI text carries the explicit label as its own last line — after
 * the text, never inside a code block's code — so the label survives wherever the text goes.
 */
export function withAiLabel(text: string, label: string): string {
  const body = text.replace(/\s+$/, '')
  return `${body}\n\n——${label}`
}
