import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Absolute path of an audio-room fixture (made by test/fixtures/audio/generate.sh). */
export const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/audio/${name}`, import.meta.url))

/** reference.f32: raw little-endian float32 stereo, read with no WAV parser at all. */
export function referenceChannels(): [Float32Array, Float32Array] {
  const raw = readFileSync(fixture('reference.f32'))
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  const frames = raw.byteLength / 8
  const l = new Float32Array(frames)
  const r = new Float32Array(frames)
  for (let i = 0; i < frames; i++) {
    l[i] = view.getFloat32(i * 8, true)
    r[i] = view.getFloat32(i * 8 + 4, true)
  }
  return [l, r]
}

/** Largest absolute difference over the common length. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

/** Pearson correlation of a[i] and b[i + lag] over their overlap. */
export function correlation(a: Float32Array, b: Float32Array, lag = 0): number {
  const start = Math.max(0, -lag)
  const end = Math.min(a.length, b.length - lag)
  let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0
  const n = end - start
  for (let i = start; i < end; i++) {
    const x = a[i]!, y = b[i + lag]!
    sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y
  }
  const cov = sab - (sa * sb) / n
  return cov / Math.sqrt((saa - (sa * sa) / n) * (sbb - (sb * sb) / n))
}

/** The lag in [-maxLag, maxLag] where b best matches a (encoder delay search), and that correlation. */
export function bestAlignment(a: Float32Array, b: Float32Array, maxLag: number): { lag: number; r: number } {
  let best = { lag: 0, r: -Infinity }
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const r = correlation(a, b, lag)
    if (r > best.r) best = { lag, r }
  }
  return best
}

/** A sine of `freq` Hz at `rate` Hz, `n` samples, amplitude `amp`. */
export function sine(freq: number, rate: number, n: number, amp = 0.5): Float32Array {
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate)
  return x
}
