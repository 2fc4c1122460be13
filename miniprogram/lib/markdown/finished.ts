/**
 * A finished answer's text as the parser should see it. The parser treats the
 * end of its input as "more may come" (so `**bold` previews while streaming);
 * the blank line tells it the answer is over, so an unclosed `*`, `**`, `` ` ``
 * or `[` in the last paragraph is shown literally, as in `2*3 = 6`.
 */
export function finishedText(text: string): string {
  return `${text}\n\n`
}
