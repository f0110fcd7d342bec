import { tf } from '../tf'
import type { FrameBlock } from './spectra'

/**
 * Accumulates a Gram matrix of features over a stream of frame blocks, so memory is bounded by
 * one block whatever the length of the clip. `features` maps [rows, F] frames to [rows - overlap, N]
 * features (a convolution of width overlap + 1); the last `overlap` frames of each block are
 * carried into the next, so the result equals the whole-clip Gram exactly (up to float rounding).
 */
export class GramAccumulator {
  private sum: tf.Tensor2D | null = null
  /** Feature blocks, kept (instead of summed into a Gram) in 'features' mode. */
  private kept: tf.Tensor2D[] = []
  private carry: tf.Tensor2D | null = null
  private count = 0

  constructor(
    private readonly features: (frames: tf.Tensor2D) => tf.Tensor2D,
    private readonly overlap: number,
    /** 'gram' sums F^T F per block; 'features' keeps the feature rows themselves (short clips only). */
    private readonly mode: 'gram' | 'features' = 'gram'
  ) {}

  /** Adds one block of frames. */
  add(block: FrameBlock): void {
    const frames = tf.tensor2d(block.data, [block.frames, block.bins])
    const joined = this.carry === null ? frames : tf.concat([this.carry, frames], 0)
    if (joined !== frames) frames.dispose()
    this.carry?.dispose()
    this.carry = null
    const rows = joined.shape[0]
    if (rows > this.overlap && this.mode === 'features') {
      this.kept.push(this.features(joined))
      this.count += rows - this.overlap
    } else if (rows > this.overlap) {
      const next = tf.tidy(() => {
        const f = this.features(joined)
        const g = tf.matMul(tf.transpose(f), f)
        return this.sum === null ? g : tf.add(this.sum, g)
      }) as tf.Tensor2D
      this.count += rows - this.overlap
      this.sum?.dispose()
      this.sum = next
    }
    this.carry = this.overlap > 0 ? tf.tidy(() => tf.slice(joined, [Math.max(0, rows - this.overlap), 0], [Math.min(rows, this.overlap), -1])) : null
    joined.dispose()
  }

  /** Number of feature rows accumulated so far. */
  get rows(): number {
    return this.count
  }

  /** All feature rows, [rows, N] (a new tensor the caller owns); 'features' mode only. */
  featureRows(): tf.Tensor2D {
    if (this.mode !== 'features' || this.count === 0) throw new Error('GramAccumulator: no feature rows were kept')
    return this.kept.length === 1 ? tf.clone(this.kept[0]!) : tf.concat(this.kept, 0)
  }

  /** The Gram divided by the number of feature rows (a new tensor the caller owns). */
  result(): tf.Tensor2D {
    if (this.mode === 'features') {
      return tf.tidy(() => {
        const rows = this.featureRows()
        return tf.div(tf.matMul(tf.transpose(rows), rows), this.count)
      }) as tf.Tensor2D
    }
    if (this.sum === null || this.count === 0) throw new Error('GramAccumulator: no complete frames were added')
    const sum = this.sum
    return tf.tidy(() => tf.div(sum, this.count))
  }

  dispose(): void {
    for (const t of this.kept) t.dispose()
    this.kept = []
    this.sum?.dispose()
    this.carry?.dispose()
    this.sum = null
    this.carry = null
  }
}
