import { UserError } from '../util/errors'

/*
 * Level measures skip non-finite samples (NaN/Inf can come through from float WAVs), so one bad
 * sample cannot turn a whole file's level into NaN; countNonFinite says whether any were there.
 */

/** Largest absolute finite sample value (0 for empty or silent input). */
export function peak(x: Float32Array): number {
  let p = 0
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!)
    if (a > p && a !== Infinity) p = a
  }
  return p
}

/** Root mean square over the finite samples, accumulated in float64 (0 for empty or silent input). */
export function rms(x: Float32Array): number {
  let sum = 0
  let n = 0
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!
    if (Number.isFinite(v)) {
      sum += v * v
      n++
    }
  }
  return n === 0 ? 0 : Math.sqrt(sum / n)
}

/** The one wording every door uses for decodeBuffer's finite-sample repair (see DecodedAudio.nonFinite). */
export function nonFiniteNote(count: number): string {
  return `${count} non-finite sample${count === 1 ? '' : 's'} (NaN/Inf) repaired from their neighbours`
}

/** How many samples are NaN or infinite. */
export function countNonFinite(x: Float32Array): number {
  let n = 0
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) n++
  return n
}

/** A new array scaled so its peak is `targetPeak`; silent input comes back silent (a copy). */
export function normalizePeak(x: Float32Array, targetPeak = 0.99): Float32Array {
  checkTarget(targetPeak, 'normalizePeak: target peak')
  return scaled(x, peak(x), targetPeak)
}

/** A new array scaled so its RMS is `targetRms` (it may then exceed +-1); silent input stays silent. */
export function normalizeRms(x: Float32Array, targetRms: number): Float32Array {
  checkTarget(targetRms, 'normalizeRms: target RMS')
  return scaled(x, rms(x), targetRms)
}

function scaled(x: Float32Array, level: number, target: number): Float32Array {
  if (level === 0) return x.slice() // silent: unchanged, never 0/0
  const out = new Float32Array(x.length)
  const gain = target / level
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * gain
  return out
}

function checkTarget(t: number, what: string): void {
  if (!Number.isFinite(t) || t < 0) throw new UserError(`${what} must be a finite number >= 0, got ${t}`)
}
