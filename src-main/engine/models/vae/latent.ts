/**
 * Distributions over the latent z in R^L: the encoder's posterior q(z | x) and the prior p(z).
 * Both are diagonal Gaussians here, the family of Kingma & Welling (2014); the interfaces leave room
 * for others (a prior without `gaussian` makes the VAE's KL a Monte Carlo estimate). Shapes: z is
 * [K, B, L] (K samples for each of B examples); log densities are [K, B] in nats.
 */
import { tf } from '../../tf'

/** A diagonal Gaussian's parameters, each [B, L] (or [1, L], broadcast over examples). */
export interface DiagonalGaussian {
  mean: tf.Tensor2D
  logVar: tf.Tensor2D
}

const LOG_2PI = Math.log(2 * Math.PI)

/** log N(z; μ, diag σ²) summed over L: z [K, B, L] with μ, log σ² broadcast from [B or 1, L] -> [K, B]. */
export function gaussianLogProb(g: DiagonalGaussian, z: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(-0.5, tf.sum(tf.add(tf.add(g.logVar, LOG_2PI), tf.div(tf.square(tf.sub(z, g.mean)), tf.exp(g.logVar))), -1)))
}

/**
 * The reparameterisation trick (Kingma & Welling 2014, §2.4): z = μ + σ ⊙ ε with ε ~ N(0, I), so z
 * is a differentiable function of the encoder's output. `k` samples per example: [k, B, L].
 */
export function reparameterise(g: DiagonalGaussian, k = 1): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, l] = g.mean.shape
    return tf.add(g.mean, tf.mul(tf.exp(tf.mul(0.5, g.logVar)), tf.randomNormal([k, b, l])))
  })
}

/**
 * KL(q ‖ p) between diagonal Gaussians in closed form, summed over L (Kingma & Welling, appendix B,
 * for a general p): ½ Σ [log σp² − log σq² + (σq² + (μq − μp)²) / σp² − 1]. q [B, L], p [B or 1, L] -> [B].
 */
export function gaussianKl(q: DiagonalGaussian, p: DiagonalGaussian): tf.Tensor1D {
  return tf.tidy(() => tf.sum(gaussianKlPerDim(q, p), -1))
}

/** The same KL per latent dimension, not summed: q [B, L], p [B or 1, L] -> [B, L] (free bits need each). */
export function gaussianKlPerDim(q: DiagonalGaussian, p: DiagonalGaussian): tf.Tensor2D {
  return tf.tidy(() => {
    const ratio = tf.div(tf.add(tf.exp(q.logVar), tf.square(tf.sub(q.mean, p.mean))), tf.exp(p.logVar))
    return tf.mul(0.5, tf.sub(tf.add(tf.sub(p.logVar, q.logVar), ratio), 1))
  })
}

/** The posterior family q(z | x): its parameters come from the encoder network's output. */
export interface Posterior {
  /** Encoder outputs per latent dimension (2 for a diagonal Gaussian: μ and log σ²). */
  readonly paramsPerLatent: number
  /** Reparameterised samples: params [B, L·P] -> z [k, B, L]. */
  rsample(params: tf.Tensor2D, k: number): tf.Tensor3D
  /** log q(z | x): params [B, L·P], z [K, B, L] -> [K, B]. */
  logProb(params: tf.Tensor2D, z: tf.Tensor3D): tf.Tensor2D
  /** The Gaussian it is, when it is one (for the closed-form KL); made inside the caller's tidy. */
  gaussian?(params: tf.Tensor2D): DiagonalGaussian
}

/** Splits an encoder output [B, 2L] into μ and log σ². */
function split(params: tf.Tensor2D): DiagonalGaussian {
  const [mean, logVar] = tf.split(params, 2, -1) as [tf.Tensor2D, tf.Tensor2D]
  return { mean, logVar }
}

/** The diagonal Gaussian posterior, encoder output [μ (L) | log σ² (L)]. */
export const gaussianPosterior: Posterior = {
  paramsPerLatent: 2,
  rsample: (params, k) => tf.tidy(() => reparameterise(split(params), k)),
  logProb: (params, z) => tf.tidy(() => gaussianLogProb(split(params), z)),
  gaussian: split
}

/** The prior p(z). */
export interface Prior {
  readonly name: PriorName
  readonly latents: number
  /** log p(z): [K, B, L] -> [K, B]. */
  logProb(z: tf.Tensor3D): tf.Tensor2D
  /** n draws: [n, L]. */
  sample(n: number): tf.Tensor2D
  /** The Gaussian it is, as [1, L] parameters, when it is one; made inside the caller's tidy. */
  gaussian?(): DiagonalGaussian
}

/** The priors this module builds. */
export type PriorName = 'standard-normal' | 'learned'

/** The standard normal prior N(0, I) of Kingma & Welling. */
export function standardNormalPrior(latents: number): Prior {
  const gaussian = (): DiagonalGaussian => ({ mean: tf.zeros([1, latents]), logVar: tf.zeros([1, latents]) })
  return {
    name: 'standard-normal',
    latents,
    logProb: (z) => tf.tidy(() => tf.mul(-0.5, tf.sum(tf.add(tf.square(z), LOG_2PI), -1))),
    sample: (n) => tf.randomNormal([n, latents]),
    gaussian
  }
}

/**
 * A learned diagonal Gaussian prior N(μp, diag σp²): `params()` returns its [1, 2L] parameters
 * [μp | log σp²] (in the MLP VAE, a bias-free Dense layer applied to the constant 1, so they are
 * weights of the model, trained and saved with it).
 */
export function learnedGaussianPrior(latents: number, params: () => tf.Tensor2D): Prior {
  const gaussian = (): DiagonalGaussian => split(params())
  return {
    name: 'learned',
    latents,
    logProb: (z) => tf.tidy(() => gaussianLogProb(gaussian(), z)),
    sample: (n) =>
      tf.tidy(() => {
        const g = gaussian()
        return tf.add(g.mean, tf.mul(tf.exp(tf.mul(0.5, g.logVar)), tf.randomNormal([n, latents]))) as tf.Tensor2D
      }),
    gaussian
  }
}
