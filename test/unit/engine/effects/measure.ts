import type { Hz, Seconds } from '../../../../src-main/util/units'

/**
 * Amplitude of the `freq` component of x[from..to), by a least-squares fit of a sin + b cos (exact for
 * a pure tone over any span, not only whole periods).
 */
export function toneAmplitude(x: ArrayLike<number>, freq: Hz, sampleRate: Hz, from = 0, to = x.length): number {
  let ss = 0, cc = 0, sc = 0, xs = 0, xc = 0
  const w = (2 * Math.PI * freq) / sampleRate
  for (let i = from; i < to; i++) {
    const s = Math.sin(w * i), c = Math.cos(w * i), v = x[i]!
    ss += s * s
    cc += c * c
    sc += s * c
    xs += v * s
    xc += v * c
  }
  const det = ss * cc - sc * sc
  const a = (xs * cc - xc * sc) / det, b = (xc * ss - xs * sc) / det
  return Math.hypot(a, b)
}

/** 20 log10 of a ratio. */
export function db(ratio: number): number {
  return 20 * Math.log10(ratio)
}

/** Root mean square of x[from..to). */
export function rms(x: ArrayLike<number>, from = 0, to = x.length): number {
  let e = 0
  for (let i = from; i < to; i++) e += x[i]! * x[i]!
  return Math.sqrt(e / (to - from))
}

/**
 * RT60 of an impulse response by Schroeder's backward integration (ISO 3382-1): the energy decay curve
 * in dB, a least-squares line between `top` and `bottom` dB (T30 by default), extrapolated to -60 dB.
 */
export function schroederRt60(h: ArrayLike<number>, sampleRate: Hz, top = -5, bottom = -35): Seconds {
  const edc = new Float64Array(h.length)
  let acc = 0
  for (let i = h.length - 1; i >= 0; i--) {
    acc += h[i]! * h[i]!
    edc[i] = acc
  }
  let n = 0, st = 0, sy = 0, stt = 0, sty = 0
  for (let i = 0; i < h.length; i++) {
    const level = 10 * Math.log10(edc[i]! / edc[0]!)
    if (level > top || level < bottom) continue
    const t = i / sampleRate
    n++
    st += t
    sy += level
    stt += t * t
    sty += t * level
  }
  const slope = (n * sty - st * sy) / (n * stt - st * st)
  return -60 / slope
}
