/**
 * A trained tagger seen from the waveform: which layers the activation method reads, a sub-model
 * from the tagger's input to those layers, and the signal cut into the tagger's input windows.
 */
import { tf, tfl } from '../tf'
import type { LayersModel } from '../models/model-files'
import { evenWindows } from '../train/metrics'
import { cropInto } from '../../datasets/tagger-batches'
import { UserError } from '../../util/errors'
import type { Hz, Samples } from '../../util/units'

/** A loaded tagger and what its input is: `crop` samples of mono audio at `sampleRate`. */
export interface TaggerNet {
  model: LayersModel
  crop: Samples
  sampleRate: Hz
  /** Output names (the tag vocabulary), in output order. */
  tags: string[]
}

/** The layers the activation method reads. */
export interface ActivationLayers {
  /** Deep layers whose activations carry the content. */
  content: string[]
  /** Shallow layers whose Gram over time carries the style. */
  style: string[]
}

/**
 * Defaults of both architectures: content = the last layer before `flatten` (the last conv block's
 * pool), style = the first two conv layers after their ReLU (Dieleman's Conv1D layers apply it
 * themselves; the sample-level CNN's are named *_relu, after batch normalisation).
 */
export function defaultActivationLayers(model: LayersModel): ActivationLayers {
  const names = model.layers.map((l) => l.name)
  const flatten = names.indexOf('flatten')
  if (flatten < 2) throw new UserError(`model ${model.name}: no conv layers before a 'flatten' layer; name the layers to use`)
  const relus = names.filter((n) => n.endsWith('_relu'))
  const convs = model.layers.filter((l) => l.getClassName() === 'Conv1D').map((l) => l.name)
  return { content: [names[flatten - 1]!], style: (relus.length > 0 ? relus : convs).slice(0, 2) }
}

/** Throws a UserError unless every name is a layer of `model`, listing the layers it has. */
export function checkLayerNames(model: LayersModel, names: readonly string[], what: string): void {
  const have = model.layers.map((l) => l.name)
  const missing = names.filter((n) => !have.includes(n))
  if (missing.length > 0) throw new UserError(`${what} layer "${missing[0]}": not in this model (its layers: ${have.join(', ')})`)
  if (names.length === 0) throw new UserError(`${what} layers: none named`)
}

/**
 * A model from the tagger's input to the outputs of `names` (in that order). It shares the
 * tagger's layers and holds no tensors of its own: never dispose it, because LayersModel.dispose
 * counts down the shared layers' references and would free the tagger's weights.
 */
export function featureModel(model: LayersModel, names: readonly string[]): LayersModel {
  const outputs = names.map((n) => model.getLayer(n).output as ReturnType<typeof tfl.input>)
  return tfl.model({ inputs: model.inputs, outputs, name: `${model.name}_features` })
}

/**
 * Maps a batch to the tagger's logits [batch, tags]: the output layer's pre-activation (its Dense
 * kernel and bias applied to what feeds it), so a tag's log-probability is -softplus(-z), finite
 * where the sigmoid has underflowed to 0 in float32. Throws a UserError for a model whose last
 * layer is not a sigmoid Dense.
 */
export function logitModel(model: LayersModel): (batch: tf.Tensor3D) => tf.Tensor2D {
  const out = model.layers[model.layers.length - 1]!
  const config = out.getConfig() as { activation?: string }
  if (out.getClassName() !== 'Dense' || config.activation !== 'sigmoid') throw new UserError(`model ${model.name}: its output layer is not a sigmoid Dense layer`)
  const features = tfl.model({ inputs: model.inputs, outputs: out.input as ReturnType<typeof tfl.input> })
  const [kernel, bias] = out.getWeights()
  return (batch) => tf.tidy(() => {
    const z = tf.matMul(applyModel(features, batch)[0] as tf.Tensor2D, kernel as tf.Tensor2D)
    return (bias ? tf.add(z, bias) : z) as tf.Tensor2D
  })
}

/** Windows of `crop` samples tiling a signal of `length` (the last one zero-padded). */
export function tileCount(length: Samples, crop: Samples): number {
  return Math.max(1, Math.ceil(length / crop))
}

/** A waveform [length] as the tagger's input batch [tiles, crop, 1], the last tile zero-padded. */
export function tileWindows(x: tf.Tensor1D, crop: Samples): tf.Tensor3D {
  return tf.tidy(() => {
    const tiles = tileCount(x.shape[0], crop)
    const padded = tf.pad(x, [[0, tiles * crop - x.shape[0]]])
    return tf.reshape(padded, [tiles, crop, 1])
  })
}

/**
 * Start samples of the windows a whole clip is read through: evenly spaced across it (the
 * song-level windows of tagging, engine/train/metrics), at most `maxWindows`.
 */
export function clipWindows(audio: Float32Array, crop: Samples, maxWindows: number): Samples[] {
  return evenWindows(Math.max(1, audio.length), crop, Math.min(maxWindows, tileCount(audio.length, crop)))
}

/** The windows of a waveform tensor starting at `starts`, as one [n, crop, 1] batch (zero-padded past its end). */
export function gatherWindows(x: tf.Tensor1D, starts: readonly Samples[], crop: Samples): tf.Tensor3D {
  return tf.tidy(() => {
    const need = Math.max(...starts) + crop
    const padded = need > x.shape[0] ? tf.pad(x, [[0, need - x.shape[0]]]) : x
    return tf.reshape(tf.stack(starts.map((s) => tf.slice(padded, [s], [crop]))), [starts.length, crop, 1])
  })
}

/** The windows starting at `starts` as one [n, crop, 1] batch (zero-padded past the clip's end). */
export function windowBatch(audio: Float32Array, starts: readonly Samples[], crop: Samples): tf.Tensor3D {
  const x = new Float32Array(starts.length * crop)
  starts.forEach((s, k) => cropInto(x, k * crop, audio, crop, s))
  return tf.tensor3d(x, [starts.length, crop, 1])
}

/** Runs a model on a batch for inference or differentiation: always the inference path (dropout off, BN frozen). */
export function applyModel(model: LayersModel, batch: tf.Tensor3D): tf.Tensor[] {
  const out = model.apply(batch, { training: false }) as tf.Tensor | tf.Tensor[]
  return Array.isArray(out) ? out : [out]
}
