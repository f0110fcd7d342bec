/**
 * The decoder p(x | z) of a VAE, behind one interface so the ELBO and the importance-weighted bound
 * need only log p(x | z). Two kinds:
 * - factorised: a network maps z to the parameters of an observation distribution whose
 *   dimensions are independent given z (Bernoulli or Gaussian pixels, categorical mu-law samples);
 * - autoregressive: p(x | z) = Π_t p(x_t | x_<t, z), a conditional WaveNet whose global conditioning
 *   input is z (the variational lossy autoencoder of Chen et al. 2017). Its log-likelihood is one
 *   teacher-forced pass; sampling is sequential, so it is asynchronous.
 */
import { tf } from '../../tf'
import type { ObservationDistribution } from './observation'
import type { Samples } from '../../../util/units'

/** What every decoder gives: log p(x | z). */
export interface Decoder {
  readonly kind: 'factorised' | 'autoregressive'
  /** Width of z. */
  readonly latents: number
  /** Dimensions of x (pixels, or samples of a clip). */
  readonly dims: number
  /** log p(x | z) in nats per example: z [N, L], x [N, D] -> [N]. Differentiable in the decoder's weights. */
  logProb(z: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D
}

/** A network z -> θ and the observation distribution θ parameterises. */
export interface FactorisedDecoder extends Decoder {
  readonly kind: 'factorised'
  readonly distribution: ObservationDistribution
  /** The network's output θ: [N, L] -> [N, D·P]. */
  params(z: tf.Tensor2D): tf.Tensor2D
}

/** Builds a factorised decoder from a network `net` (z [N, L] -> θ [N, D·P]) and a distribution. */
export function factorisedDecoder(net: (z: tf.Tensor2D) => tf.Tensor2D, distribution: ObservationDistribution, latents: number, dims: number): FactorisedDecoder {
  return {
    kind: 'factorised',
    latents,
    dims,
    distribution,
    params: (z) => tf.tidy(() => net(z)),
    logProb: (z, x) => tf.tidy(() => distribution.logProb(net(z), x))
  }
}

/** Options of autoregressive generation. */
export interface GenerateOptions {
  /** Softmax temperature (1: the model's own distribution). */
  temperature?: number
  /** Called every few steps with the samples done; throwing from it stops generation. */
  onStep?: (done: Samples, total: Samples) => void
}

/**
 * The interface the conditional WaveNet decoder of the audio VLAE implements (issue 16, item 3):
 * log p(x | z) over mu-law level indices x [N, T] in one teacher-forced pass, and ancestral
 * sampling of `length` samples for each row of z. The shallow receptive field is what makes the
 * VLAE put global structure into z.
 */
export interface AutoregressiveDecoder extends Decoder {
  readonly kind: 'autoregressive'
  /** Samples of the past each output sees. */
  readonly receptiveField: Samples
  /** Mu-law levels of x. */
  readonly levels: number
  /** x [N, length] of level indices, one stream per row of z [N, L]. */
  generate(z: tf.Tensor2D, length: Samples, opts?: GenerateOptions): Promise<tf.Tensor2D>
}
