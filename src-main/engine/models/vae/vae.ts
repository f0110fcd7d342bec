/**
 * A variational autoencoder assembled from pluggable parts (Kingma & Welling 2014): an encoder
 * network with its posterior family q(z | x), a decoder p(x | z) (factorised or autoregressive)
 * and a prior p(z). It gives the evidence lower bound with its two terms, and the importance-
 * weighted estimate of log p(x) with k samples (Burda, Grosse & Salakhutdinov 2015), computed in
 * chunks of samples so k = 5,000 fits in memory. All values are nats per example.
 */
import { tf } from '../../tf'
import { UserError } from '../../../util/errors'
import { gaussianKl, type Posterior, type Prior } from './latent'
import type { Decoder } from './decoder'

/** The parts of a VAE. */
export interface VaeParts {
  /** The encoder network: x [B, D] -> posterior parameters [B, L·P]. */
  encoder: (x: tf.Tensor2D) => tf.Tensor2D
  posterior: Posterior
  decoder: Decoder
  prior: Prior
}

/** The ELBO of each example and its terms: E_q[log p(x | z)] − KL(q(z | x) ‖ p(z)). */
export interface ElboTerms {
  /** [B] nats. */
  elbo: tf.Tensor1D
  /** E_q[log p(x | z)], the negative reconstruction loss: [B] nats. */
  reconstruction: tf.Tensor1D
  /** KL(q(z | x) ‖ p(z)): [B] nats, in closed form when both are Gaussian, else a Monte Carlo estimate. */
  kl: tf.Tensor1D
}

/** Rows of decoder work (samples x examples) one chunk of the importance-weighted estimate holds: about 25 MB per 784-wide tensor. */
export const IWAE_CHUNK_ROWS = 8192

/** A VAE over its parts (see the file comment). */
export class Vae {
  constructor(readonly parts: VaeParts) {}

  /** Width of z. */
  get latents(): number {
    return this.parts.prior.latents
  }

  /** Posterior parameters of x [B, D]: [B, L·P]. */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.parts.encoder(x))
  }

  /**
   * KL(q(z | x) ‖ p(z)) per example: closed form when posterior and prior are both Gaussian,
   * else the Monte Carlo estimate mean_s [log q(z_s | x) − log p(z_s)] over `samples` draws.
   */
  kl(params: tf.Tensor2D, samples = 1): tf.Tensor1D {
    return tf.tidy(() => {
      const { posterior, prior } = this.parts
      if (posterior.gaussian && prior.gaussian) return gaussianKl(posterior.gaussian(params), prior.gaussian())
      return this.monteCarloKl(params, samples)
    })
  }

  /** The Monte Carlo KL estimate over `samples` reparameterised draws: [B] (unbiased, any families). */
  monteCarloKl(params: tf.Tensor2D, samples: number): tf.Tensor1D {
    return tf.tidy(() => {
      const z = this.parts.posterior.rsample(params, samples)
      return tf.mean(tf.sub(this.parts.posterior.logProb(params, z), this.parts.prior.logProb(z)), 0) as tf.Tensor1D
    })
  }

  /**
   * The ELBO of x [B, D] with one reparameterised sample (Kingma & Welling's SGVB estimator B,
   * eq. 7): differentiable in every weight, the training objective.
   */
  elbo(x: tf.Tensor2D): ElboTerms {
    const [elbo, reconstruction, kl] = tf.tidy(() => {
      const params = this.encode(x)
      const z = this.parts.posterior.rsample(params, 1).squeeze([0]) as tf.Tensor2D
      const rec = this.parts.decoder.logProb(z, x)
      const kl = this.kl(params)
      return [tf.sub(rec, kl), rec, kl] as tf.Tensor1D[]
    })
    return { elbo: elbo!, reconstruction: reconstruction!, kl: kl! }
  }

  /**
   * log w_s = log p(x, z_s) − log q(z_s | x) for `k` draws z_s ~ q(z | x): x [B, D] -> [k, B].
   * The importance weights of Burda et al. (eq. 8).
   */
  logWeights(x: tf.Tensor2D, params: tf.Tensor2D, k: number): tf.Tensor2D {
    return tf.tidy(() => {
      const [b, d] = x.shape
      const z = this.parts.posterior.rsample(params, k)
      const flat = z.reshape([k * b, this.latents]) as tf.Tensor2D
      // x repeated k times, copied here: the wasm backend's tile kernel took longer than the decoder's matmul.
      const xs = x.dataSync()
      const repeated = new Float32Array(k * b * d)
      for (let s = 0; s < k; s++) repeated.set(xs, s * b * d)
      const rec = this.parts.decoder.logProb(flat, tf.tensor2d(repeated, [k * b, d])).reshape([k, b])
      return tf.sub(tf.add(rec, this.parts.prior.logProb(z)), this.parts.posterior.logProb(params, z)) as tf.Tensor2D
    })
  }

  /**
   * The importance-weighted estimate of log p(x) with k samples (Burda et al. 2015, eq. 8):
   * log (1/k) Σ_s w_s, a lower bound that rises toward log p(x) as k grows (k = 1 is the ELBO).
   * The k samples are drawn in chunks of at most IWAE_CHUNK_ROWS / B, each chunk's log-sum-exp
   * combined in float64, so memory does not grow with k. x [B, D] -> B values, nats.
   * `onChunk` is called after each chunk (throw from it to stop).
   */
  importanceWeighted(x: tf.Tensor2D, k: number, onChunk?: (done: number) => void): Float64Array {
    if (!Number.isInteger(k) || k < 1) throw new UserError(`importance samples k: ${k} is not a whole number >= 1`)
    const b = x.shape[0]
    const chunk = Math.max(1, Math.floor(IWAE_CHUNK_ROWS / b))
    const params = this.encode(x)
    const lse = new Float64Array(b).fill(Number.NEGATIVE_INFINITY)
    try {
      for (let done = 0; done < k; done += chunk) {
        const part = tf.tidy(() => tf.logSumExp(this.logWeights(x, params, Math.min(chunk, k - done)), 0).dataSync())
        for (let i = 0; i < b; i++) lse[i] = logAddExp(lse[i]!, part[i]!)
        onChunk?.(Math.min(k, done + chunk))
      }
    } finally {
      params.dispose()
    }
    const logK = Math.log(k)
    return lse.map((v) => v - logK)
  }

  /**
   * Latent vectors given as plain numbers (the decode commands' door) as a tensor [N, L]; a vector
   * without exactly `latents` finite values is refused with a UserError naming it.
   */
  latentTensor(z: ArrayLike<number>[], what = 'latent vector'): tf.Tensor2D {
    for (const [i, v] of z.entries()) {
      if (v.length !== this.latents) throw new UserError(`${what} ${i + 1}: ${v.length} values, but the model has ${this.latents} latents`)
      for (let j = 0; j < v.length; j++) if (!Number.isFinite(v[j])) throw new UserError(`${what} ${i + 1}: value ${j + 1} is not a finite number`)
    }
    return tf.tensor2d(z.flatMap((v) => Array.from(v)), [z.length, this.latents])
  }
}

/** log(e^a + e^b) without overflow. */
function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b
  if (b === Number.NEGATIVE_INFINITY) return a
  const m = Math.max(a, b)
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m))
}
