import { tf } from '../tf'
import { activations, createTextureNet, preActivations, sumOnHost, type TextureNet } from './texture-net'

/** Style frames per block when computing a shard's style activations (bounds the im2col buffer). */
const STYLE_BLOCK_ROWS = 512

/**
 * One shard of the texture method's filter bank: filters [from, to) of the seeded bank, with
 * the style's activations for those filters. The loss of the whole bank is a sum over shards of
 * small products (the kernel-trick form, see texture-net's StyleTarget):
 *
 *   A A^T = sum_h A_h A_h^T   [T' x T'],   A S^T = sum_h A_h S_h^T   [T' x Ts],
 *
 * so shards on different threads exchange only those matrices and their [T, F] gradient parts,
 * never activations. `partA` gives this shard's terms of the sums; `partB` takes the summed ones
 * and gives this shard's share of dL/dX. Every method keeps its tensors in tidy scopes; the
 * shard owns exactly its net, its style activations (and their transpose), and between partA and
 * partB the current pre-activations.
 */
export class TextureShard {
  readonly net: TextureNet
  private styleActs: tf.Tensor2D | null = null
  private styleActsT: tf.Tensor2D | null = null
  private contentActs: tf.Tensor2D | null = null
  private alpha = 0
  private z: tf.Tensor2D | null = null

  constructor(bins: number, filters: number, kernel: number, seed: number, columns: readonly [number, number]) {
    this.net = createTextureNet(bins, filters, kernel, seed, columns)
  }

  /** Rows of the style's activations (Ts = style frames - K + 1). */
  get styleRows(): number {
    return this.styleActs?.shape[0] ?? 0
  }

  /**
   * Computes this shard's style activations S_h from the style's log-magnitude frames ([rows, F],
   * frame-major), in blocks, and returns S_h S_h^T ([Ts, Ts], row-major) for the norm of the Gram.
   */
  setStyle(frames: Float32Array, rows: number): Float32Array {
    const { kernel, bins } = this.net
    if (rows < kernel) throw new Error(`texture shard: ${rows} style frames, at least ${kernel} needed`)
    const parts: tf.Tensor2D[] = []
    try {
      for (let start = 0; start + kernel <= rows; start += STYLE_BLOCK_ROWS) {
        const end = Math.min(rows, start + STYLE_BLOCK_ROWS + kernel - 1)
        const block = tf.tensor2d(frames.subarray(start * bins, end * bins), [end - start, bins])
        parts.push(activations(this.net, block))
        block.dispose()
      }
      this.disposeStyle()
      this.styleActs = parts.length === 1 ? parts[0]! : tf.concat(parts, 0)
      this.styleActsT = tf.tidy(() => tf.transpose(this.styleActs!) as tf.Tensor2D)
    } finally {
      for (const p of parts) if (p !== this.styleActs) p.dispose()
    }
    return tf.tidy(() => tf.matMul(this.styleActs!, this.styleActsT!).dataSync() as Float32Array)
  }

  /** The content's activations for this shard (null or alpha 0: pure texture synthesis). */
  setContent(frames: Float32Array | null, rows: number, alpha: number): void {
    this.contentActs?.dispose()
    this.contentActs = null
    this.alpha = alpha
    if (frames === null || alpha <= 0) return
    this.contentActs = tf.tidy(() => activations(this.net, tf.tensor2d(frames, [rows, this.net.bins])))
  }

  /**
   * This shard's terms for the log-magnitude x ([rows, F]): A_h A_h^T, A_h S_h^T (row-major) and
   * its content loss 2 alpha ||A_h - C_h||^2. Keeps Z_h for partB.
   */
  partA(x: Float32Array, rows: number): { kAA: Float32Array; kAS: Float32Array; contentLoss: number } {
    if (this.styleActsT === null) throw new Error('texture shard: setStyle must come first')
    this.z?.dispose()
    this.z = tf.tidy(() => preActivations(this.net, tf.tensor2d(x, [rows, this.net.bins])))
    const z = this.z
    return tf.tidy(() => {
      const a = tf.relu(z)
      const kAA = tf.matMul(a, tf.transpose(a)).dataSync() as Float32Array
      const kAS = tf.matMul(a, this.styleActsT!).dataSync() as Float32Array
      const contentLoss = this.contentActs === null ? 0 : 2 * this.alpha * sumOnHost(tf.square(tf.sub(a, this.contentActs)))
      return { kAA, kAS, contentLoss }
    })
  }

  /**
   * This shard's share of dL/dX given the summed kAA ([T', T']) and kAS ([T', Ts]):
   * dA_h = 8/T' ((A A^T) A_h / T' - (A S^T) S_h / Ts) + 4 alpha (A_h - C_h); net.adjoint(dZ_h).
   */
  partB(kAA: Float32Array, kAS: Float32Array): Float32Array {
    const z = this.z
    if (z === null) throw new Error('texture shard: partA must come before partB')
    const grad = tf.tidy(() => {
      const a = tf.relu(z)
      const count = a.shape[0]
      const ts = this.styleActs!.shape[0]
      const kaa = tf.tensor2d(kAA, [count, count])
      const kas = tf.tensor2d(kAS, [count, ts])
      let dA: tf.Tensor2D = tf.mul(tf.sub(tf.div(tf.matMul(kaa, a), count), tf.div(tf.matMul(kas, this.styleActs!), ts)), 8 / count)
      if (this.contentActs !== null) dA = tf.add(dA, tf.mul(4 * this.alpha, tf.sub(a, this.contentActs)))
      const dZ = tf.mul(dA, tf.step(z)) as tf.Tensor2D
      return this.net.adjoint(dZ).dataSync() as Float32Array
    })
    z.dispose()
    this.z = null
    return grad
  }

  private disposeStyle(): void {
    this.styleActs?.dispose()
    this.styleActsT?.dispose()
    this.styleActs = null
    this.styleActsT = null
  }

  dispose(): void {
    this.disposeStyle()
    this.contentActs?.dispose()
    this.z?.dispose()
    this.contentActs = null
    this.z = null
    this.net.dispose()
  }
}

/** The loss of the whole bank from the summed products (see TextureShard). */
export function shardedLoss(kAA: Float32Array, kAS: Float32Array, rows: number, styleRows: number, gramNormSq: number, contentLoss: number): number {
  let self = 0
  for (let i = 0; i < kAA.length; i++) self += kAA[i]! * kAA[i]!
  let cross = 0
  for (let i = 0; i < kAS.length; i++) cross += kAS[i]! * kAS[i]!
  return 2 * (self / (rows * rows) - (2 * cross) / (rows * styleRows) + gramNormSq) + contentLoss
}
