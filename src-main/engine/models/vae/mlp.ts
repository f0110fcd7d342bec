/**
 * The MLP VAE of Kingma & Welling (2014, appendix C) as one tfjs-layers model, so it trains, saves
 * and resumes (weights and Adam state) like every other model of the product and converts to Keras:
 * inputs `x` [B, D] and `z` [B, L] (and `one` [B, 1] for a learned prior), outputs the encoder's
 * posterior parameters [B, 2L], the decoder's observation parameters [B, D·P] (and the prior's
 * [B, 2L]). The two halves share no layer, so `mlpVae` runs each on its own through its layers.
 * Hidden units are ReLU, as in the 784-400-20 model of PyTorch's VAE example, which trains faster
 * with Adam than the paper's tanh.
 */
import { tf, tfl } from '../../tf'
import { UserError } from '../../../util/errors'
import type { LayersModel } from '../model-files'
import { factorisedDecoder, type FactorisedDecoder } from './decoder'
import { gaussianPosterior, learnedGaussianPrior, standardNormalPrior, type PriorName } from './latent'
import { observationByName, type ObservationName } from './observation'
import { Vae } from './vae'

/** The shape of an MLP VAE: stored with its model record and in every checkpoint. */
export interface MlpVaeOptions {
  /** Dimensions of x (784 for 28 x 28 images). */
  inputs: number
  /** Hidden units of the encoder's and the decoder's one hidden layer. */
  hidden: number
  latents: number
  observation: ObservationName
  prior: PriorName
}

/** Layer names: the encoder's, the decoder's and the prior's. */
const L = { encHidden: 'encoder_hidden', encParams: 'encoder_params', decHidden: 'decoder_hidden', decParams: 'decoder_params', prior: 'prior_params' } as const

/** Builds the (uncompiled) model of `o`. */
export function buildMlpVae(o: MlpVaeOptions): LayersModel {
  const dense = (units: number, name: string, activation?: 'relu'): tfl.layers.Layer => tfl.layers.dense({ units, name, ...(activation && { activation }) })
  const x = tfl.input({ shape: [o.inputs], name: 'x' })
  const z = tfl.input({ shape: [o.latents], name: 'z' })
  const q = dense(2 * o.latents, L.encParams).apply(dense(o.hidden, L.encHidden, 'relu').apply(x)) as tfl.SymbolicTensor
  const p = dense(o.inputs * observationByName(o.observation).paramsPerDim, L.decParams).apply(dense(o.hidden, L.decHidden, 'relu').apply(z)) as tfl.SymbolicTensor
  if (o.prior === 'standard-normal') return tfl.model({ inputs: [x, z], outputs: [q, p], name: 'vae' })
  // A learned prior's [μ | log σ²] are the kernel of a bias-free Dense on the constant 1, starting at N(0, I).
  const one = tfl.input({ shape: [1], name: 'one' })
  const prior = tfl.layers.dense({ units: 2 * o.latents, useBias: false, kernelInitializer: 'zeros', name: L.prior }).apply(one) as tfl.SymbolicTensor
  return tfl.model({ inputs: [x, z, one], outputs: [q, p, prior], name: 'vae' })
}

/** Builds and compiles the model for training with Adam at `learningRate`. */
export function buildMlpVaeForTraining(o: MlpVaeOptions, learningRate: number): LayersModel {
  const model = buildMlpVae(o)
  // The loss is never used (the VAE step minimises the negative ELBO itself); compiling attaches the
  // optimizer, whose moments are saved in every checkpoint.
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError' })
  return model
}

/** Input and output widths of a model's layers, to compare with stored options. */
function kernelShape(model: LayersModel, name: string): number[] {
  const layer = model.layers.find((l) => l.name === name)
  return layer?.getWeights()[0]?.shape ?? []
}

/**
 * Refuses, in one line naming `what`, a model whose layers are not those of `o` (a checkpoint of
 * another configuration, or whose options were edited).
 */
export function checkMlpVae(model: LayersModel, o: MlpVaeOptions, what: string): void {
  const p = observationByName(o.observation).paramsPerDim
  const want: [string, number[]][] = [
    [L.encHidden, [o.inputs, o.hidden]],
    [L.encParams, [o.hidden, 2 * o.latents]],
    [L.decHidden, [o.latents, o.hidden]],
    [L.decParams, [o.hidden, o.inputs * p]],
    ...(o.prior === 'learned' ? [[L.prior, [1, 2 * o.latents]] as [string, number[]]] : [])
  ]
  for (const [name, shape] of want) {
    const have = kernelShape(model, name)
    if (have.join('x') !== shape.join('x')) throw new UserError(`${what}: layer ${name} is ${have.join('x') || 'missing'}, expected ${shape.join('x')} for ${describeMlpVae(o)}`)
  }
}

/** "784-400-20, Bernoulli decoder, standard-normal prior". */
export function describeMlpVae(o: MlpVaeOptions): string {
  return `${o.inputs}-${o.hidden}-${o.latents}, ${o.observation} decoder, ${o.prior} prior`
}

/** The layers `names` of `model` applied in order (eagerly, to concrete tensors). */
function chain(model: LayersModel, names: string[]): (t: tf.Tensor2D) => tf.Tensor2D {
  const layers = names.map((n) => model.getLayer(n))
  return (t) => layers.reduce<tf.Tensor>((h, l) => l.apply(h) as tf.Tensor, t) as tf.Tensor2D
}

/** The VAE of a built or loaded MLP model (sharing its weights: training the model trains this). */
export function mlpVae(model: LayersModel, o: MlpVaeOptions): Vae {
  const decoder: FactorisedDecoder = factorisedDecoder(chain(model, [L.decHidden, L.decParams]), observationByName(o.observation), o.latents, o.inputs)
  const priorLayer = o.prior === 'learned' ? model.getLayer(L.prior) : null
  const prior = priorLayer ? learnedGaussianPrior(o.latents, () => priorLayer.apply(tf.ones([1, 1])) as tf.Tensor2D) : standardNormalPrior(o.latents)
  return new Vae({ encoder: chain(model, [L.encHidden, L.encParams]), posterior: gaussianPosterior, decoder, prior })
}

/** The decoder's mean E[x | z] for latent vectors z [N, L]: [N, D] (pixel probabilities for Bernoulli). */
export function decodeMean(vae: Vae, z: tf.Tensor2D): tf.Tensor2D {
  const decoder = vae.parts.decoder as FactorisedDecoder
  if (decoder.kind !== 'factorised') throw new UserError('decoding a mean needs a factorised decoder; an autoregressive one generates')
  return tf.tidy(() => decoder.distribution.mean(decoder.params(z)))
}
