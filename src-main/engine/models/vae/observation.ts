/**
 * Observation distributions p(x | θ) of a factorised VAE decoder: the decoder network outputs θ for
 * every one of D dimensions of x, and the dimensions are independent given θ (Kingma & Welling
 * 2014, appendix C). Each distribution knows how many parameters it needs per dimension, its log
 * density summed over the dimensions, its mean and a sample. Every method returns a fresh tensor
 * made inside tidy().
 */
import { tf } from '../../tf'

/** The names of the observation distributions. */
export type ObservationName = 'bernoulli' | 'gaussian' | 'categorical'

/** A factorised distribution over x in R^D (or levels), parameterised per dimension. */
export interface ObservationDistribution {
  readonly name: ObservationName
  /** Parameters per dimension: the decoder's output width is D x this. */
  readonly paramsPerDim: number
  /** log p(x | θ) in nats, summed over the D dimensions: θ [N, D·P], x [N, D] -> [N]. */
  logProb(params: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D
  /** E[x | θ]: [N, D·P] -> [N, D] (for the categorical: the most probable level). */
  mean(params: tf.Tensor2D): tf.Tensor2D
  /** One draw x ~ p(x | θ): [N, D·P] -> [N, D]. */
  sample(params: tf.Tensor2D): tf.Tensor2D
}

/**
 * Bernoulli with logits θ: log p(x | θ) = Σ x·θ − softplus(θ), the negative sigmoid cross-entropy
 * written so it stays finite for any logit. x in {0, 1} (or in [0, 1], the usual relaxation).
 */
export const bernoulli: ObservationDistribution = {
  name: 'bernoulli',
  paramsPerDim: 1,
  logProb: (logits, x) => tf.tidy(() => tf.sum(tf.sub(tf.mul(x, logits), tf.softplus(logits)), -1)),
  mean: (logits) => tf.tidy(() => tf.sigmoid(logits)),
  sample: (logits) => tf.tidy(() => tf.cast(tf.less(tf.randomUniform(logits.shape), tf.sigmoid(logits)), 'float32') as tf.Tensor2D)
}

const LOG_2PI = Math.log(2 * Math.PI)

/**
 * Gaussian with a learned diagonal variance: θ = [μ (D) | log σ² (D)] per row, as the Gaussian MLP
 * decoder of Kingma & Welling (appendix C.2).
 */
export const gaussian: ObservationDistribution = {
  name: 'gaussian',
  paramsPerDim: 2,
  logProb: (params, x) =>
    tf.tidy(() => {
      const [mu, logVar] = tf.split(params, 2, -1) as [tf.Tensor2D, tf.Tensor2D]
      return tf.mul(-0.5, tf.sum(tf.add(tf.add(logVar, LOG_2PI), tf.div(tf.square(tf.sub(x, mu)), tf.exp(logVar))), -1))
    }),
  mean: (params) => tf.tidy(() => tf.split(params, 2, -1)[0] as tf.Tensor2D),
  sample: (params) =>
    tf.tidy(() => {
      const [mu, logVar] = tf.split(params, 2, -1) as [tf.Tensor2D, tf.Tensor2D]
      return tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), tf.randomNormal(mu.shape)))
    })
}

/**
 * Categorical over `levels` quantisation levels per dimension (the 256 mu-law levels of audio,
 * van den Oord et al. 2016): θ holds the D x levels logits row-major ([N, D·levels]); x holds level
 * indices 0..levels−1 as floats.
 */
export function categorical(levels = 256): ObservationDistribution {
  const perDim = (params: tf.Tensor2D): tf.Tensor3D => params.reshape([params.shape[0], params.shape[1] / levels, levels])
  return {
    name: 'categorical',
    paramsPerDim: levels,
    logProb: (params, x) =>
      tf.tidy(() => {
        const logp = tf.logSoftmax(perDim(params))
        return tf.sum(tf.sum(tf.mul(logp, tf.oneHot(tf.cast(x, 'int32'), levels)), -1), -1)
      }),
    mean: (params) => tf.tidy(() => tf.cast(tf.argMax(perDim(params), -1), 'float32') as tf.Tensor2D),
    sample: (params) =>
      tf.tidy(() => {
        const [n, d] = [params.shape[0], params.shape[1] / levels]
        return tf.cast(tf.multinomial(params.reshape([n * d, levels]) as tf.Tensor2D, 1), 'float32').reshape([n, d]) as tf.Tensor2D
      })
  }
}

/** The observation distribution by name (categorical: 256 mu-law levels). */
export function observationByName(name: ObservationName): ObservationDistribution {
  return name === 'bernoulli' ? bernoulli : name === 'gaussian' ? gaussian : categorical(256)
}
