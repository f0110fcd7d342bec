import { UserError } from '../util/errors'

/**
 * Hann window of length `n`. Periodic (the default, scipy `get_window('hann', n)`, for spectral
 * analysis: its shifts by n/4 sum to a constant) or symmetric (`scipy.signal.windows.hann(n)`).
 */
export function hann(n: number, periodic = true): Float32Array {
  return hannInto(new Float32Array(checkLength(n)), periodic)
}

/** The same Hann window in double precision (what the STFT multiplies by). */
export function hann64(n: number, periodic = true): Float64Array {
  return hannInto(new Float64Array(checkLength(n)), periodic)
}

function checkLength(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new UserError(`window length ${n} is not a positive integer`)
  return n
}

function hannInto<T extends Float32Array | Float64Array>(w: T, periodic: boolean): T {
  const n = w.length
  if (n === 1) {
    w[0] = 1
    return w
  }
  const denom = periodic ? n : n - 1
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / denom)
  return w
}
