/**
 * The VAE's part of training on images: batches dynamically binarised (each pixel drawn as
 * Bernoulli(its grey level) afresh every epoch, Burda et al. 2015, §5), the step (Adam on the
 * negative ELBO through the model's own optimizer), and evaluation: the mean ELBO and its terms on
 * a fixed binarisation of a set, and the importance-weighted estimate of log p(x). No files, no
 * database. Values are nats per example.
 */
import { tf } from '../tf'
import type { LayersModel } from '../models/model-files'
import type { MlpVaeOptions } from '../models/vae/mlp'
import type { Vae } from '../models/vae/vae'
import { gaussianKlPerDim } from '../models/vae/latent'
import type { BatchSource, SizedBatch } from './loop'
import { epochOrder } from './shuffle'
import { createRng, type Rng } from '../../util/random'

/** The checkpoint `arch` of an MLP VAE trained here. */
export const VAE_ARCH = 'vae/mlp'

/** Everything needed to rebuild and feed a VAE: stored with its model record and in every checkpoint. */
export interface VaeSpec {
  options: MlpVaeOptions
  /** Image size the model was trained on. */
  rows: number
  cols: number
}

/** One batch of binarised images, row-major [size, D]. */
export interface VaeBatch extends SizedBatch {
  x: Float32Array
}

/** Seed of the one fixed binarisation of a test set, so every evaluation sees the same bits. */
export const TEST_BINARISATION_SEED = 20151101

/** Each grey level g in [0, 1] drawn as a pixel that is 1 with probability g. */
export function binarise(images: Float32Array, rng: Rng): Float32Array {
  const out = new Float32Array(images.length)
  for (let i = 0; i < images.length; i++) out[i] = rng.uniform() < images[i]! ? 1 : 0
  return out
}

/** Training batches of `images` ([count, dims] grey levels), shuffled and binarised afresh per (seed, epoch). */
export class BinarisedBatches implements BatchSource<VaeBatch> {
  readonly batchesPerEpoch: number
  private readonly count: number

  constructor(
    private readonly images: Float32Array,
    private readonly dims: number,
    private readonly batch: number,
    private readonly seed: number
  ) {
    this.count = images.length / dims
    this.batchesPerEpoch = Math.ceil(this.count / batch)
  }

  async *epoch(epoch: number): AsyncIterable<VaeBatch> {
    const order = epochOrder(this.count, this.seed, epoch)
    // Its own stream per (seed, epoch), apart from the order's: a resumed run draws the same bits.
    const rng = createRng((this.seed * 0x27d4eb2f + epoch * 0x165667b1 + 1) >>> 0)
    for (let start = 0; start < this.count; start += this.batch) {
      const size = Math.min(this.batch, this.count - start)
      const x = new Float32Array(size * this.dims)
      for (let i = 0; i < size; i++) {
        const from = order[start + i]! * this.dims
        for (let p = 0; p < this.dims; p++) x[i * this.dims + p] = rng.uniform() < this.images[from + p]! ? 1 : 0
      }
      yield { size, x }
    }
  }
}

/** The ELBO and its terms, means over examples, nats. */
export interface ElboFigures {
  elbo: number
  kl: number
  reconstruction: number
}

/** A test set's ELBO terms and the KL of each latent dimension (empty when the posterior or the prior is not Gaussian). */
export interface TestFigures extends ElboFigures {
  /** Mean KL(q(z_j | x) ‖ p(z_j)) per dimension j, nats per example; sums to `kl`. */
  klDims: number[]
}

/** One Adam step on the negative ELBO of batch `b`; returns its mean ELBO terms (before the step). */
export function vaeStep(model: LayersModel, vae: Vae, dims: number, b: VaeBatch): ElboFigures {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  // The terms are kept out of minimize's scope to be reported, then disposed here.
  const kept: tf.Tensor[] = []
  try {
    const figures = tf.tidy(() => {
      const x = tf.tensor2d(b.x, [b.size, dims])
      const cost = model.optimizer.minimize(
        () => {
          const t = vae.elbo(x)
          kept.push(tf.keep(tf.mean(t.kl)), tf.keep(tf.mean(t.reconstruction)))
          return tf.neg(tf.mean(t.elbo)) as tf.Scalar
        },
        true,
        vars
      ) as tf.Scalar
      return tf.stack([cost, ...kept])
    })
    const [loss, kl, reconstruction] = figures.dataSync() as Float32Array
    figures.dispose()
    return { elbo: -loss!, kl: kl!, reconstruction: reconstruction! }
  } finally {
    tf.dispose(kept)
  }
}

/** Examples per evaluation batch: a few MB of activations. */
const EVAL_BATCH = 500

/**
 * The mean ELBO, KL and reconstruction of binarised `x` ([count, dims]), one posterior sample each,
 * and the KL of each latent dimension in closed form (Gaussian posterior and prior; else none), so
 * a collapsed dimension (KL near 0) shows in the run's metrics.
 */
export function evaluateElbo(vae: Vae, x: Float32Array, dims: number): TestFigures {
  const count = x.length / dims
  const sums = { elbo: 0, kl: 0, reconstruction: 0 }
  const { posterior, prior } = vae.parts
  const perDim = posterior.gaussian && prior.gaussian ? new Float64Array(vae.latents) : null
  for (let start = 0; start < count; start += EVAL_BATCH) {
    const size = Math.min(EVAL_BATCH, count - start)
    const v = tf.tidy(() => {
      const xb = tf.tensor2d(x.subarray(start * dims, (start + size) * dims), [size, dims])
      const t = vae.elbo(xb)
      const terms = tf.stack([tf.sum(t.elbo), tf.sum(t.kl), tf.sum(t.reconstruction)])
      if (!perDim) return terms.dataSync()
      const kl = tf.sum(gaussianKlPerDim(posterior.gaussian!(vae.encode(xb)), prior.gaussian!()), 0)
      return tf.concat([terms, kl]).dataSync()
    })
    sums.elbo += v[0]!
    sums.kl += v[1]!
    sums.reconstruction += v[2]!
    perDim?.forEach((_, j) => (perDim[j]! += v[3 + j]!))
  }
  return { elbo: sums.elbo / count, kl: sums.kl / count, reconstruction: sums.reconstruction / count, klDims: perDim ? Array.from(perDim, (v) => v / count) : [] }
}

/** Examples per importance-weighted batch: small, so each chunk holds many samples of few examples. */
const IWAE_BATCH = 8

/**
 * The mean importance-weighted estimate of log p(x) with `k` samples over binarised `x`
 * (Burda et al. 2015), nats per example. `onProgress(examplesDone)` after each batch; throw to stop.
 */
export function evaluateIwae(vae: Vae, x: Float32Array, dims: number, k: number, onProgress?: (done: number) => void): number {
  const count = x.length / dims
  let sum = 0
  for (let start = 0; start < count; start += IWAE_BATCH) {
    const size = Math.min(IWAE_BATCH, count - start)
    const batch = tf.tensor2d(x.subarray(start * dims, (start + size) * dims), [size, dims])
    try {
      for (const v of vae.importanceWeighted(batch, k)) sum += v
    } finally {
      batch.dispose()
    }
    onProgress?.(start + size)
  }
  return sum / count
}
