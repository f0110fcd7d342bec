import { stft, magnitude } from '../../dsp/stft'
import { UserError } from '../../util/errors'

/** A block of spectrogram frames, frame-major ([frames, bins]). */
export interface FrameBlock {
  data: Float32Array
  frames: number
  bins: number
}

/** Number of centred STFT frames of a signal (as torch.stft / librosa with center=True). */
export function centredFrameCount(length: number, hop: number): number {
  return 1 + Math.floor(length / hop)
}

/**
 * Reflect-pads `pad` samples on each side (numpy's 'reflect': the edge sample is not repeated),
 * which is what a centred STFT does. `what` names the clip in the error for too-short input.
 */
export function reflectPad(x: Float32Array, pad: number, what: string): Float32Array {
  if (x.length <= pad) {
    throw new UserError(`${what}: clip is too short (${x.length} samples; at least ${pad + 1} needed for one frame)`)
  }
  const out = new Float32Array(x.length + 2 * pad)
  out.set(x, pad)
  for (let i = 0; i < pad; i++) {
    out[pad - 1 - i] = x[i + 1]!
    out[pad + x.length + i] = x[x.length - 2 - i]!
  }
  return out
}

/**
 * Streams the centred STFT's frames of `x` in blocks of at most `chunkFrames` frames, so a
 * 10-minute style never holds its whole spectrogram in memory. `transform` maps a block of
 * magnitudes in place (e.g. log1p). The frames equal those of one whole-clip STFT.
 */
export function* magnitudeChunks(
  x: Float32Array,
  nFft: number,
  hop: number,
  chunkFrames: number,
  what: string,
  transform?: (mag: Float32Array) => void
): Generator<FrameBlock> {
  const padded = reflectPad(x, nFft / 2, what)
  const total = centredFrameCount(x.length, hop)
  for (let t0 = 0; t0 < total; t0 += chunkFrames) {
    const t1 = Math.min(total, t0 + chunkFrames)
    const segment = padded.subarray(t0 * hop, (t1 - 1) * hop + nFft)
    const spec = stft(segment, { nFft, hop, center: false })
    const mag = magnitude(spec)
    transform?.(mag)
    yield { data: mag, frames: spec.frames, bins: spec.bins }
  }
}

/** In-place log1p, the texture method's compression of magnitudes. */
export function log1pInPlace(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) x[i] = Math.log1p(x[i]!)
}

/** In-place expm1 clamped at zero: log1p-magnitudes back to magnitudes. */
export function expm1ClampInPlace(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) x[i] = Math.max(0, Math.expm1(x[i]!))
}

/** Whole-clip frames (concatenated blocks): for content segments, which are short by construction. */
export function allFrames(
  x: Float32Array,
  nFft: number,
  hop: number,
  what: string,
  transform?: (mag: Float32Array) => void
): FrameBlock {
  const blocks = [...magnitudeChunks(x, nFft, hop, Number.MAX_SAFE_INTEGER, what, transform)]
  return blocks[0]!
}
