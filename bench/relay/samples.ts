/**
 * Latency samples stored in fixed Float64Array blocks. At 20,000 events/s a growing JS array
 * reallocates its backing store in the old generation, and the load generator's resulting
 * full collections (5–11 ms) landed in the measured window and set the p99 of whichever
 * target was running: the measurement must not pause itself.
 */
const BLOCK = 64 * 1024

export class Samples {
  private readonly blocks: Float64Array[] = []
  private used = BLOCK

  push(value: number): void {
    if (this.used === BLOCK) {
      this.blocks.push(new Float64Array(BLOCK))
      this.used = 0
    }
    this.blocks[this.blocks.length - 1]![this.used++] = value
  }

  /** The samples as a plain array, once the run is over. */
  toArray(): number[] {
    const out: number[] = []
    this.blocks.forEach((block, i) => {
      const n = i === this.blocks.length - 1 ? this.used : BLOCK
      for (let j = 0; j < n; j++) out.push(block[j]!)
    })
    return out
  }
}
