/**
 * The VLAE's part of training on speech crops: batches of whole crops of T mu-law levels (cut by
 * datasets/wavenet-batches.ts), the step (Adam on the negative ELBO, optionally with free bits) and
 * evaluation (the ELBO, its terms and the KL of each latent dimension on fixed crops). No files, no
 * database. Values are nats per crop ("per clip") unless named per sample.
 *
 * Free bits (Kingma et al., "Improving Variational Inference with Inverse Autoregressive Flow",
 * 2016, eq. 15): the objective's KL term is Σ_j max(λ, E_batch[KL_j]), so a dimension whose
 * batch-mean KL is under λ nats costs λ whatever it carries and gets no gradient pushing it to the
 * prior: the encoder can use up to λ nats per dimension for free, which keeps an autoregressive
 * decoder from ignoring z (posterior collapse). The reported ELBO is always the true bound.
 */
import { tf } from '../tf'
import type { LayersModel } from '../models/model-files'
import { gaussianKlPerDim } from '../models/vae/latent'
import type { Vae } from '../models/vae/vae'
import type { VlaeOptions } from '../models/vae/vlae'
import type { WavenetBatch } from '../../datasets/wavenet-batches'
import type { Hz } from '../../util/units'

/** The checkpoint `arch` of a VLAE trained here. */
export const VLAE_ARCH = 'vae/vlae'

/** Everything needed to rebuild and feed a VLAE: stored with its model record and in every checkpoint. */
export interface VlaeSpec {
  options: VlaeOptions
  /** Rate the crops were taken at. */
  sampleRate: Hz
}

/** A batch's whole crops as levels [size, T]: a WavenetBatches batch of receptive field 1 has input = crop[0..T-2], target = crop[1..T-1]. */
export function cropLevels(b: WavenetBatch, crop: number): Int32Array {
  const x = new Int32Array(b.size * crop)
  for (let i = 0; i < b.size; i++) {
    x[i * crop] = b.input[i * (crop - 1)]!
    x.set(b.target.subarray(i * (crop - 1), (i + 1) * (crop - 1)), i * crop + 1)
  }
  return x
}

/** The ELBO's terms of x [B, T] with one reparameterised sample: reconstruction [B] and KL per dimension [B, L]. */
export function vlaeTerms(vae: Vae, x: tf.Tensor2D): { reconstruction: tf.Tensor1D; klDims: tf.Tensor2D } {
  const [reconstruction, klDims] = tf.tidy(() => {
    const { posterior, prior, decoder } = vae.parts
    const params = vae.encode(x)
    const z = posterior.rsample(params, 1).squeeze([0]) as tf.Tensor2D
    return [decoder.logProb(z, x), gaussianKlPerDim(posterior.gaussian!(params), prior.gaussian!())]
  })
  return { reconstruction: reconstruction as tf.Tensor1D, klDims: klDims as tf.Tensor2D }
}

/**
 * The free-bits KL term Σ_j max(λ, mean over the batch of KL_j): klDims [B, L] -> scalar nats per
 * crop. λ = 0 gives the plain mean KL.
 */
export function freeBitsKl(klDims: tf.Tensor2D, freeBits: number): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.maximum(tf.mean(klDims, 0), freeBits)) as tf.Scalar)
}

/** Means over crops, nats per crop; klDims per latent dimension. */
export interface VlaeFigures {
  elbo: number
  kl: number
  reconstruction: number
  klDims: number[]
}

/** One Adam step on the negative free-bits ELBO of `b`; returns the batch's true ELBO terms (before the step). */
export function vlaeStep(model: LayersModel, vae: Vae, o: VlaeOptions, b: WavenetBatch, freeBits: number): VlaeFigures {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  // The terms are kept out of minimize's scope to be reported, then disposed here.
  const kept: tf.Tensor[] = []
  try {
    tf.tidy(() => {
      const x = tf.tensor2d(cropLevels(b, o.crop), [b.size, o.crop], 'int32')
      model.optimizer.minimize(
        () => {
          const t = vlaeTerms(vae, x)
          const rec = tf.mean(t.reconstruction)
          kept.push(tf.keep(rec), tf.keep(tf.mean(t.klDims, 0)))
          return tf.sub(freeBitsKl(t.klDims, freeBits), rec) as tf.Scalar
        },
        false,
        vars
      )
    })
    const reconstruction = kept[0]!.dataSync()[0]!
    const klDims = Array.from(kept[1]!.dataSync())
    const kl = klDims.reduce((a, v) => a + v, 0)
    return { elbo: reconstruction - kl, kl, reconstruction, klDims }
  } finally {
    tf.dispose(kept)
  }
}

/** The mean ELBO, its terms and the KL per dimension over `batches` (weighted by batch size), one posterior sample per crop. */
export async function evaluateVlae(vae: Vae, o: VlaeOptions, batches: AsyncIterable<WavenetBatch>, onBatch?: () => void): Promise<VlaeFigures> {
  let rec = 0
  let n = 0
  const dims = new Float64Array(o.latents)
  for await (const b of batches) {
    const [r, k] = tf.tidy(() => {
      const t = vlaeTerms(vae, tf.tensor2d(cropLevels(b, o.crop), [b.size, o.crop], 'int32'))
      return [tf.sum(t.reconstruction).dataSync()[0]!, tf.sum(t.klDims, 0).dataSync()] as const
    })
    rec += r
    k.forEach((v, j) => (dims[j]! += v))
    n += b.size
    onBatch?.()
  }
  const klDims = Array.from(dims, (v) => v / n)
  const kl = klDims.reduce((a, v) => a + v, 0)
  return { elbo: rec / n - kl, kl, reconstruction: rec / n, klDims }
}

/** Per-epoch run metrics of figures `f` under `prefix` ('train' / 'test'): ELBO per crop and per sample, KL, reconstruction, and kl_0..kl_{L-1} (test only). */
export function vlaeMetrics(prefix: 'train' | 'test', f: VlaeFigures, crop: number): Record<string, number> {
  const m: Record<string, number> = { [`${prefix}Elbo`]: f.elbo, [`${prefix}ElboPerSample`]: f.elbo / crop, [`${prefix}Kl`]: f.kl, [`${prefix}Reconstruction`]: f.reconstruction }
  if (prefix === 'test') f.klDims.forEach((v, j) => (m[`kl_${j}`] = v))
  return m
}
