/**
 * WaveNet's part of training: the model from a stored description (speakers as a one-hot global
 * input, which the model's bias-free per-layer Dense turns into a learned speaker embedding, or a
 * dense vector per clip: a multi-hot of its tags, a mean GloVe vector of its words; log-mel
 * frames as the local input, dsp/mel-frames.ts, with their settings kept in the description), the
 * training step (cross-entropy over the 256 mu-law levels, taken only on the outputs whose whole
 * receptive field lies inside the crop), and the validation NLL. No files, no database.
 */
import { tf } from '../tf'
import { buildWavenet, receptiveField, wavenetDilations, type WavenetOptions, type WavenetSignature } from '../models/wavenet'
import { UserError } from '../../util/errors'
import type { LayersModel } from '../models/model-files'
import type { WavenetBatch } from '../../datasets/wavenet-batches'
import type { MelSettings } from '../../dsp/mel-frames'
import type { Hz, Samples } from '../../util/units'

/** The checkpoint `arch` of a WaveNet trained here. */
export const WAVENET_ARCH = 'wavenet/mulaw'

/** A speaker the model was trained with: its library id and code, at one-hot index = position. */
export interface WavenetSpeaker {
  id: number
  code: string
}

/**
 * Global conditioning by a dense vector per clip (van den Oord et al. 2016, section 2.5: h added,
 * through a learned projection, to the filter and the gate of every layer), kept so generation builds
 * vectors exactly as training did:
 * - `tags`: a multi-hot over `tags`, the dataset's top tags by usable-clip count (the tagger's vocabulary);
 * - `glove`: the mean GloVe vector (Pennington et al. 2014) of a clip's words (`from`: its tags'
 *   words for MTAT, its transcript's for VCTK), from GloVe set `gloveId` of dimension `dim`.
 */
export type WavenetVectorSpec =
  | { kind: 'tags'; width: number; tags: string[] }
  | { kind: 'glove'; width: number; gloveId: number; dim: number; from: 'tags' | 'transcript' }

/** Everything needed to rebuild and feed a WaveNet: stored with its model record and in every checkpoint. */
export interface WavenetSpec {
  /** Model options (quantization, dilations, channels; globalChannels = speakers.length, the vector's width, or 0). */
  options: WavenetOptions
  /** Speakers in one-hot order; empty when the model is not speaker-conditioned. */
  speakers: WavenetSpeaker[]
  /** The dense global vector of a vector-conditioned model (then `speakers` is empty); absent otherwise. */
  vector?: WavenetVectorSpec
  sampleRate: Hz
  receptiveField: Samples
  /** Outputs per training crop that carry the loss. */
  targets: Samples
  /** Log-mel settings of the local conditioning (options.localChannels = bands, localHop = hop); absent without it. */
  mel?: MelSettings
}

/** Model options of `stacks` x `layers` dilated layers with `channels` residual and dilation channels (skip: 4x). */
export function wavenetSize(stacks: number, layers: number, channels: number): WavenetOptions {
  return { dilations: wavenetDilations(stacks, layers), residualChannels: channels, dilationChannels: channels, skipChannels: 4 * channels }
}

/** Width of a spec's global input: its speakers' count, its vector's width, or 0. */
export function globalWidth(spec: WavenetSpec): number {
  return spec.speakers.length > 0 ? spec.speakers.length : spec.vector?.width ?? 0
}

/**
 * The spec of a new model; `speakers` empty and `vector` absent for no global conditioning, `mel`
 * absent for no local conditioning. With
 * mel frames the model's input (crop - 1 = RF + targets - 1 samples) must be whole frames, so
 * targets is raised to the next count that makes it so (by less than one hop).
 */
export function wavenetSpec(options: WavenetOptions, speakers: WavenetSpeaker[], sampleRate: Hz, targets: Samples, mel?: MelSettings, vector?: WavenetVectorSpec): WavenetSpec {
  if (speakers.length > 0 && vector) throw new Error('wavenetSpec: one global conditioning, speakers or a vector')
  const local: WavenetOptions = mel ? { localChannels: mel.bands, localHop: mel.hop } : { localChannels: 0 }
  const full: WavenetOptions = { ...options, input: 'onehot', globalChannels: speakers.length > 0 ? speakers.length : vector?.width ?? 0, ...local }
  const rf = receptiveField(full)
  const whole = mel ? Math.ceil((rf + targets - 1) / mel.hop) * mel.hop - rf + 1 : targets
  return { options: full, speakers, sampleRate, receptiveField: rf, targets: whole, ...(mel && { mel }), ...(vector && { vector }) }
}

/**
 * Refuses, in one line naming `what` (a checkpoint), model files whose topology does not match their
 * stored spec: another receptive field (in particular one longer than the training crops, whose
 * outputs never saw a whole receptive field in training), or other conditioning widths or hop.
 */
export function checkSpecMatches(sig: WavenetSignature, spec: WavenetSpec, what: string): void {
  const crop = spec.receptiveField + spec.targets
  if (sig.receptiveField >= crop) throw new UserError(`${what}: receptive field ${sig.receptiveField} samples is not shorter than its training crops (${crop} samples); the model never learned from a whole receptive field`)
  if (sig.receptiveField !== spec.receptiveField) throw new UserError(`${what}: the model files' receptive field ${sig.receptiveField} samples is not its description's ${spec.receptiveField}; the files do not belong to this checkpoint`)
  const bands = spec.mel?.bands ?? 0
  if (sig.localChannels !== bands || (bands > 0 && sig.localHop !== spec.mel!.hop)) {
    throw new UserError(`${what}: the model files take ${sig.localChannels} local channels at hop ${sig.localHop}, its description ${bands} mel bands at hop ${spec.mel?.hop ?? 0}; the files do not belong to this checkpoint`)
  }
  const width = globalWidth(spec)
  if (sig.globalChannels !== width) {
    const described = spec.vector ? `a ${spec.vector.kind} vector of ${width}` : `${width} speakers`
    throw new UserError(`${what}: the model files take ${sig.globalChannels} global channels, its description ${described}; the files do not belong to this checkpoint`)
  }
}

/** Builds and compiles a fresh WaveNet for `spec`: Adam at `learningRate` (the loss named is for the saved training config; the step computes its own). */
export function buildWavenetModel(spec: WavenetSpec, learningRate: number): LayersModel {
  const model = buildWavenet(spec.options)
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy' })
  return model
}

// log(p) of a level the softmax rounds to 0 would be -Infinity: clipped as Keras clips (epsilon 1e-7).
const EPSILON = 1e-7

/**
 * The model's inputs for a batch, in the model's order: one-hot levels [size, crop - 1, q], speaker
 * one-hots [size, S] when speaker-conditioned or the clips' vectors [size, width] when
 * vector-conditioned, mel frames [size, (crop - 1) / hop, bands] when locally.
 */
function inputs(spec: WavenetSpec, b: WavenetBatch): tf.Tensor | tf.Tensor[] {
  const q = spec.options.quantization ?? 256
  const steps = b.input.length / b.size
  const xs = [tf.oneHot(tf.tensor2d(b.input, [b.size, steps], 'int32'), q).toFloat()]
  // tf.oneHot refuses depth 1: one speaker's one-hot is a column of ones.
  if (spec.speakers.length === 1) xs.push(tf.ones([b.size, 1]))
  else if (spec.speakers.length > 1) xs.push(tf.oneHot(tf.tensor1d(b.speaker, 'int32'), spec.speakers.length).toFloat())
  if (spec.vector) {
    if (!b.global) throw new Error('wavenet step: the model takes a global vector and the batch has none')
    xs.push(tf.tensor2d(b.global, [b.size, spec.vector.width]))
  }
  if (spec.mel) {
    if (!b.local) throw new Error('wavenet step: the model takes mel frames and the batch has none')
    xs.push(tf.tensor3d(b.local, [b.size, steps / spec.mel.hop, spec.mel.bands]))
  }
  return xs.length === 1 ? xs[0]! : xs
}

/** Mean NLL in nats per target sample of `probs` [size, T, q] at outputs lossFrom.. against `target` [size, N]. */
function nll(spec: WavenetSpec, probs: tf.Tensor, b: WavenetBatch): tf.Scalar {
  const q = spec.options.quantization ?? 256
  const n = b.target.length / b.size
  const lossFrom = (probs.shape[1] as number) - n
  const p = probs.slice([0, lossFrom, 0], [b.size, n, q])
  const picked = tf.sum(tf.mul(p, tf.oneHot(tf.tensor2d(b.target, [b.size, n], 'int32'), q)), -1)
  return tf.neg(tf.mean(tf.log(tf.clipByValue(picked, EPSILON, 1)))) as tf.Scalar
}

/** One Adam step on a batch; returns its loss in nats per target sample. Leaves no tensor behind. */
export function wavenetStep(model: LayersModel, spec: WavenetSpec, b: WavenetBatch): number {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const cost = tf.tidy(() => {
    const xs = inputs(spec, b)
    return model.optimizer.minimize(() => nll(spec, model.apply(xs, { training: true }) as tf.Tensor, b), true, vars) as tf.Scalar
  })
  const loss = cost.dataSync()[0]!
  cost.dispose()
  return loss
}

/** Mean NLL in nats per target sample over `batches` (weighted by batch size). */
export async function wavenetNll(model: LayersModel, spec: WavenetSpec, batches: AsyncIterable<WavenetBatch>, onBatch?: () => void): Promise<number> {
  let sum = 0
  let count = 0
  for await (const b of batches) {
    const v = tf.tidy(() => nll(spec, model.predict(inputs(spec, b)) as tf.Tensor, b).dataSync()[0]!)
    sum += v * b.size
    count += b.size
    onBatch?.()
  }
  return count === 0 ? Number.NaN : sum / count
}

/**
 * Rough bytes of one training step's tensors: per input step, every layer's filter, gate, their
 * activations, the gated product (4 x dilation channels), residual and 1x1 outputs (2 x residual)
 * and skip, plus the one-hot input and the 256-way output and softmax; x4 for the gradients and
 * what autodiff keeps. Calibrated on the target model at crops of 4096 on wasm: batch 2 trains,
 * batch 4 runs out of the heap (about 0.9 and 1.9 GB here).
 */
export function wavenetStepBytes(spec: WavenetSpec, batch: number): number {
  const o = spec.options
  // Local conditioning adds its upsampled frames and, per layer, the filter's and gate's projections of them.
  const local = (o.localChannels ?? 0) > 0 ? 2 * (o.localChannels ?? 0) + (o.dilations ?? []).length * 2 * (o.dilationChannels ?? 32) : 0
  const perStep = (o.dilations ?? []).length * (4 * (o.dilationChannels ?? 32) + 2 * (o.residualChannels ?? 32) + (o.skipChannels ?? 128)) + 3 * (o.quantization ?? 256) + local
  return batch * (spec.receptiveField + spec.targets - 1) * perStep * 4 * 4
}

/** Nats to bits. */
export const toBits = (nats: number): number => nats / Math.LN2
