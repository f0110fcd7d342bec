import { tf } from '../tf'
import { istft, magnitude, phase as phaseOf, fromPolar, stft } from '../../dsp/stft'
import { minimizeAdam } from '../optim/adam'
import type { GramSettings } from './defaults'
import { GramAccumulator } from './gram-accumulator'
import { throwIfCancelled } from './progress'
import { magnitudeChunks } from './spectra'
import type { SegmentResult } from './texture'

/** A prepared gram run: the style's frequency Gram G(|S|), [F, F], divided by its frame count. */
export interface GramPlan {
  settings: GramSettings
  styleGram: tf.Tensor2D
  dispose(): void
}

/** Accumulates the style's frequency-by-frequency Gram over time, chunk by chunk (`afterChunk` after each). */
export function prepareGram(style: Float32Array, settings: GramSettings, afterChunk?: () => void): GramPlan {
  const acc = new GramAccumulator((frames) => tf.clone(frames), 0)
  try {
    for (const block of magnitudeChunks(style, settings.nFft, settings.hop, settings.styleChunkFrames, 'style')) {
      acc.add(block)
      afterChunk?.()
    }
    const styleGram = acc.result()
    return { settings, styleGram, dispose: () => styleGram.dispose() }
  } finally {
    acc.dispose()
  }
}

/**
 * Loss of the report's baseline and its gradient with respect to [magnitude; phase], stacked on
 * axis 0 as a [2T, F] tensor so one Adam run updates both:
 *   L = w_c mean(([M; P] - [Mc; Pc])^2) + w_s mean((G(M) - Gs)^2),  G(M) = M^T M / T.
 * dL/dM = w_c (M - Mc) / (T F) + 4 w_s M (G - Gs) / (F^2 T);  dL/dP = w_c (P - Pc) / (T F).
 */
export function gramLossAndGrad(
  x: tf.Tensor2D,
  target: tf.Tensor2D,
  styleGram: tf.Tensor2D,
  contentWeight: number,
  styleWeight: number
): { loss: tf.Scalar; grad: tf.Tensor2D } {
  return tf.tidy(() => {
    const frames = x.shape[0] / 2
    const bins = x.shape[1]
    const mag = tf.slice(x, [0, 0], [frames, bins])
    const diff = tf.sub(x, target)
    const gDiff = tf.sub(tf.div(tf.matMul(tf.transpose(mag), mag), frames), styleGram)
    const contentLoss = tf.mul(contentWeight / (2 * frames * bins), tf.sum(tf.square(diff)))
    const styleLoss = tf.mul(styleWeight / (bins * bins), tf.sum(tf.square(gDiff)))
    const gContent = tf.mul(contentWeight / (frames * bins), diff)
    const gStyleMag = tf.mul((4 * styleWeight) / (bins * bins * frames), tf.matMul(mag, gDiff))
    const gStyle = tf.concat([gStyleMag, tf.zeros([frames, bins])], 0)
    return { loss: tf.add(contentLoss, styleLoss) as tf.Scalar, grad: tf.add(gContent, gStyle) as tf.Tensor2D }
  })
}

/** Stylises one content segment with the gram baseline; output = iSTFT(M e^(iP)). */
export function gramSegment(
  plan: GramPlan,
  content: Float32Array,
  onIteration: (phase: 'optimise', i: number, loss: number) => void,
  signal?: AbortSignal
): SegmentResult {
  const s = plan.settings
  const spec = stft(content, { nFft: s.nFft, hop: s.hop })
  const mag = magnitude(spec)
  const ph = phaseOf(spec)
  const stacked = new Float32Array(mag.length * 2)
  stacked.set(mag, 0)
  stacked.set(ph, mag.length)
  const target = tf.tensor2d(stacked, [spec.frames * 2, spec.bins])
  let x: tf.Tensor2D
  let losses: number[]
  try {
    const result = minimizeAdam((v: tf.Tensor2D) => gramLossAndGrad(v, target, plan.styleGram, s.contentWeight, s.styleWeight), target, {
      iterations: s.iterations,
      learningRate: s.learningRate,
      onIteration: (i, loss) => {
        onIteration('optimise', i, loss)
        return !signal?.aborted
      }
    })
    x = result.x
    losses = result.losses
  } finally {
    target.dispose()
  }
  throwIfCancelled(signal)
  const values = x.dataSync() as Float32Array
  x.dispose()
  const n = spec.frames * spec.bins
  const out = fromPolar(values.subarray(0, n), values.subarray(n), spec.frames, spec.bins)
  return { audio: istft(out, { nFft: s.nFft, hop: s.hop }, content.length), losses }
}
