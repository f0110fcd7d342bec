/**
 * WaveNet's part of training: the model from a stored description (speakers as a one-hot global
 * input, which the model's bias-free per-layer Dense turns into a learned speaker embedding), the
 * training step (cross-entropy over the 256 mu-law levels, taken only on the outputs whose whole
 * receptive field lies inside the crop), and the validation NLL. No files, no database.
 */
import { tf } from '../tf'
import { buildWavenet, receptiveField, wavenetDilations, type WavenetOptions } from '../models/wavenet'
import type { LayersModel } from '../models/model-files'
import type { WavenetBatch } from '../../datasets/wavenet-batches'
import type { Hz, Samples } from '../../util/units'

/** The checkpoint `arch` of a WaveNet trained here. */
export const WAVENET_ARCH = 'wavenet/mulaw'

/** A speaker the model was trained with: its library id and code, at one-hot index = position. */
export interface WavenetSpeaker {
  id: number
  code: string
}

/** Everything needed to rebuild and feed a WaveNet: stored with its model record and in every checkpoint. */
export interface WavenetSpec {
  /** Model options (quantization, dilations, channels; globalChannels = speakers.length or 0). */
  options: WavenetOptions
  /** Speakers in one-hot order; empty when the model is unconditioned. */
  speakers: WavenetSpeaker[]
  sampleRate: Hz
  receptiveField: Samples
  /** Outputs per training crop that carry the loss. */
  targets: Samples
}

/** Model options of `stacks` x `layers` dilated layers with `channels` residual and dilation channels (skip: 4x). */
export function wavenetSize(stacks: number, layers: number, channels: number): WavenetOptions {
  return { dilations: wavenetDilations(stacks, layers), residualChannels: channels, dilationChannels: channels, skipChannels: 4 * channels }
}

/** The spec of a new model; `speakers` empty for none. */
export function wavenetSpec(options: WavenetOptions, speakers: WavenetSpeaker[], sampleRate: Hz, targets: Samples): WavenetSpec {
  const full: WavenetOptions = { ...options, input: 'onehot', globalChannels: speakers.length }
  return { options: full, speakers, sampleRate, receptiveField: receptiveField(full), targets }
}

/** Builds and compiles a fresh WaveNet for `spec`: Adam at `learningRate` (the loss named is for the saved training config; the step computes its own). */
export function buildWavenetModel(spec: WavenetSpec, learningRate: number): LayersModel {
  const model = buildWavenet(spec.options)
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy' })
  return model
}

// log(p) of a level the softmax rounds to 0 would be -Infinity: clipped as Keras clips (epsilon 1e-7).
const EPSILON = 1e-7

/** The model's inputs for a batch: one-hot levels [size, crop - 1, q], and speaker one-hots [size, S] when conditioned. */
function inputs(spec: WavenetSpec, b: WavenetBatch): tf.Tensor | tf.Tensor[] {
  const q = spec.options.quantization ?? 256
  const steps = b.input.length / b.size
  const x = tf.oneHot(tf.tensor2d(b.input, [b.size, steps], 'int32'), q).toFloat()
  if (spec.speakers.length === 0) return x
  return [x, tf.oneHot(tf.tensor1d(b.speaker, 'int32'), spec.speakers.length).toFloat()]
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
  const perStep = (o.dilations ?? []).length * (4 * (o.dilationChannels ?? 32) + 2 * (o.residualChannels ?? 32) + (o.skipChannels ?? 128)) + 3 * (o.quantization ?? 256)
  return batch * (spec.receptiveField + spec.targets - 1) * perStep * 4 * 4
}

/** Nats to bits. */
export const toBits = (nats: number): number => nats / Math.LN2
