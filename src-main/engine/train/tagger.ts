/**
 * The music tagger's part of training: building and compiling either architecture from a stored
 * description, and song-level prediction and evaluation (mean over evenly spaced windows across
 * the whole clip, then per-tag ROC-AUC / PR-AUC). No files, no database: audio arrives as arrays.
 */
import { tf } from '../tf'
import { buildDieleman, type DielemanOptions } from '../models/dieleman'
import { buildSampleCnn, sampleCnnInputLength, type SampleCnnOptions } from '../models/samplecnn'
import type { LayersModel } from '../models/model-files'
import { evenWindows, songPrediction, tagMetrics, type TagMetrics } from './metrics'
import { cropInto } from '../../datasets/tagger-batches'
import { UserError } from '../../util/errors'
import type { Hz, Samples } from '../../util/units'

/** The two tagger architectures. */
export type TaggerArch = 'dieleman' | 'samplecnn'

/** Everything needed to rebuild a tagger: stored with its model record and in every checkpoint. */
export interface TaggerSpec {
  arch: TaggerArch
  /** The tag vocabulary, in output order. */
  tags: string[]
  sampleRate: Hz
  /** Input length in samples. */
  crop: Samples
  /** Architecture options besides samples/tags. */
  options: Omit<DielemanOptions, 'samples' | 'tags'> | Omit<SampleCnnOptions, 'tags'>
}

/** The checkpoint `arch` string of a tagger spec. */
export const taggerArchId = (arch: TaggerArch): string => `tagger/${arch}`

/** The input length an architecture takes by default (59049 = 3^10 for both, about 3.7 s at 16 kHz). */
export function defaultCrop(arch: TaggerArch, options: TaggerSpec['options'] = {}): Samples {
  return arch === 'samplecnn' ? sampleCnnInputLength((options as SampleCnnOptions).blocks ?? 9) : 59049
}

/** Builds a fresh tagger for `spec` (weights seeded by options.seed). */
export function buildTaggerModel(spec: TaggerSpec): LayersModel {
  if (spec.tags.length === 0) throw new UserError('tagger: no tags to learn')
  if (spec.arch === 'dieleman') return buildDieleman({ ...(spec.options as DielemanOptions), samples: spec.crop, tags: spec.tags.length })
  const expected = defaultCrop('samplecnn', spec.options)
  if (spec.crop !== expected) throw new UserError(`tagger: the sample-level CNN takes ${expected} samples, not ${spec.crop}`)
  return buildSampleCnn({ ...(spec.options as SampleCnnOptions), tags: spec.tags.length })
}

/** Compiles a tagger for training: Adam at `learningRate`, binary cross-entropy (tags are independent). */
export function compileTagger(model: LayersModel, learningRate: number): void {
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'binaryCrossentropy' })
}

/** Windows scored per predict call (memory: 16 x 59049 floats in, activations inside). */
const PREDICT_BATCH = 16

/**
 * Song-level tag probabilities [tags] of one clip of any length: the mean of the model's outputs
 * over evenly spaced windows of `crop` samples covering the whole clip (one zero-padded window for a
 * clip shorter than that). `maxWindows` caps the count for long files.
 */
export function predictSong(model: LayersModel, audio: Float32Array, crop: Samples, maxWindows?: number): Float64Array {
  const starts = evenWindows(Math.max(1, audio.length), crop, maxWindows === undefined ? undefined : Math.min(maxWindows, Math.ceil(audio.length / crop)))
  const scores = new Float32Array(starts.length * (model.outputs[0]!.shape[1] as number))
  let at = 0
  for (let b = 0; b < starts.length; b += PREDICT_BATCH) {
    const part = starts.slice(b, b + PREDICT_BATCH)
    const x = new Float32Array(part.length * crop)
    part.forEach((s, k) => cropInto(x, k * crop, audio, crop, s))
    const out = tf.tidy(() => (model.predict(tf.tensor3d(x, [part.length, crop, 1])) as tf.Tensor).dataSync() as Float32Array)
    scores.set(out, at)
    at += out.length
  }
  return songPrediction(scores, starts.length)
}

/** One clip to evaluate: its labels, and its audio on demand (null when it cannot be decoded). */
export interface EvalClip {
  labels: Uint8Array
  audio: () => Promise<Float32Array | null>
}

/**
 * Per-tag ROC-AUC and PR-AUC of song-level predictions over `clips` (those whose audio fails to
 * decode are left out and counted). Rejects when no clip could be scored.
 */
export async function evaluateTagger(
  model: LayersModel,
  clips: readonly EvalClip[],
  spec: Pick<TaggerSpec, 'tags' | 'crop'>,
  opts: { maxWindows?: number; onClip?: (done: number, total: number) => void } = {}
): Promise<TagMetrics & { unscored: number }> {
  const tags = spec.tags.length
  const scores: number[] = []
  const labels: number[] = []
  let unscored = 0
  for (const [i, clip] of clips.entries()) {
    const audio = await clip.audio()
    if (audio) {
      scores.push(...predictSong(model, audio, spec.crop, opts.maxWindows))
      labels.push(...clip.labels)
    } else unscored++
    opts.onClip?.(i + 1, clips.length)
  }
  if (scores.length === 0) throw new UserError('evaluation: no clip of the split could be decoded')
  return { ...tagMetrics(Float64Array.from(scores), Uint8Array.from(labels), spec.tags.slice(0, tags)), unscored }
}
