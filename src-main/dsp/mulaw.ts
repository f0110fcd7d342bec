import { UserError } from '../util/errors'
import { assertFiniteSignal, assertIntegerIn } from './validate'

/** Quantisation levels of 8-bit mu-law (WaveNet's 256-way softmax), mu = levels - 1 = 255. */
const DEFAULT_LEVELS = 256

function checkLevels(levels: number): number {
  // 2^16 levels is already finer than 16-bit PCM; more would only waste the softmax.
  assertIntegerIn(levels, 2, 65536, 'mu-law levels')
  return levels - 1
}

/** Continuous mu-law companding of [-1, 1] onto [-1, 1]: sign(x) ln(1 + mu|x|) / ln(1 + mu). Input is clipped to [-1, 1]. */
export function muLawCompress(x: Float32Array, levels = DEFAULT_LEVELS): Float32Array {
  const mu = checkLevels(levels)
  assertFiniteSignal(x, 'signal')
  const k = 1 / Math.log1p(mu)
  const y = new Float32Array(x.length)
  for (let i = 0; i < x.length; i++) {
    const v = Math.max(-1, Math.min(1, x[i]!))
    y[i] = Math.sign(v) * Math.log1p(mu * Math.abs(v)) * k
  }
  return y
}

/** Inverse of muLawCompress: sign(y) ((1 + mu)^|y| - 1) / mu. */
export function muLawExpand(y: Float32Array, levels = DEFAULT_LEVELS): Float32Array {
  const mu = checkLevels(levels)
  assertFiniteSignal(y, 'companded signal')
  const x = new Float32Array(y.length)
  for (let i = 0; i < y.length; i++) {
    const v = Math.max(-1, Math.min(1, y[i]!))
    x[i] = (Math.sign(v) * Math.expm1(Math.abs(v) * Math.log1p(mu))) / mu
  }
  return x
}

/** Mu-law codes 0..levels-1 of a signal in [-1, 1] (clipped): compress, then round onto the uniform grid. */
export function muLawEncode(x: Float32Array, levels = DEFAULT_LEVELS): Int32Array {
  const mu = checkLevels(levels)
  const y = muLawCompress(x, levels)
  const q = new Int32Array(y.length)
  for (let i = 0; i < y.length; i++) q[i] = Math.min(mu, Math.max(0, Math.floor(((y[i]! + 1) / 2) * mu + 0.5)))
  return q
}

/** Signal in [-1, 1] of mu-law codes: each code's grid value, expanded. */
export function muLawDecode(q: Int32Array, levels = DEFAULT_LEVELS): Float32Array {
  const mu = checkLevels(levels)
  const y = new Float32Array(q.length)
  for (let i = 0; i < q.length; i++) {
    const c = q[i]!
    if (c < 0 || c > mu) throw new UserError(`mu-law code ${c} at index ${i} is outside 0..${mu}`)
    y[i] = (2 * c) / mu - 1
  }
  const x = new Float32Array(q.length)
  const l = Math.log1p(mu)
  for (let i = 0; i < y.length; i++) x[i] = (Math.sign(y[i]!) * Math.expm1(Math.abs(y[i]!) * l)) / mu
  return x
}
