import { describe, expect, it } from 'vitest'
import { griffinLim, spectralConvergence } from '../../../src-main/dsp/griffin-lim'
import { magnitude, phase, stft } from '../../../src-main/dsp/stft'
import { UserError } from '../../../src-main/util/errors'
import { chirpSignal } from './signals'

const p = { nFft: 256, hop: 64 }
// 0.5 s of two AM chirps at 8 kHz: rich enough that phase retrieval is not trivial, small enough to be quick.
const x = chirpSignal({
  sampleRate: 8000,
  length: 4000,
  components: [
    { f0: 300, f1: 2500, amp: 0.4, amRate: 4 },
    { f0: 3500, f1: 900, amp: 0.2, amRate: 7 }
  ]
})
const spec = stft(x, p)
const mag = magnitude(spec)

function convergenceCurve(momentum: number, iterations: number): number[] {
  const curve: number[] = []
  griffinLim(mag, spec.frames, spec.bins, {
    ...p, iterations, momentum, seed: 1, length: x.length, onIteration: (_, sc) => curve.push(sc)
  })
  return curve
}

describe('griffinLim', () => {
  const plain = convergenceCurve(0, 60)
  const fast = convergenceCurve(0.99, 60)

  it('plain Griffin-Lim never increases the spectral convergence (it is a projection algorithm)', () => {
    expect(plain).toHaveLength(60)
    for (let i = 1; i < plain.length; i++) expect(plain[i]!).toBeLessThanOrEqual(plain[i - 1]! * (1 + 1e-6))
    expect(plain.at(-1)!).toBeLessThan(plain[0]! / 2)
  })

  it('the fast variant reaches a given convergence in fewer iterations than plain', () => {
    const target = plain.at(-1)! // what plain reaches in 60 iterations
    const fastHits = fast.findIndex((sc) => sc <= target)
    expect(fastHits).toBeGreaterThanOrEqual(0)
    expect(fastHits).toBeLessThan(30)
    expect(fast.at(-1)!).toBeLessThan(target)
  })

  it('the callback reports the spectral convergence of that iteration\'s signal', () => {
    const y = griffinLim(mag, spec.frames, spec.bins, { ...p, iterations: 5, seed: 1, length: x.length })
    expect(y.length).toBe(x.length)
    const sc = spectralConvergence(mag, y, p)
    expect(sc).toBeLessThan(fast[3]!)
    expect(sc).toBeGreaterThan(0)
  })

  it('is reproducible for a seed and starts from a given phase', () => {
    const a = griffinLim(mag, spec.frames, spec.bins, { ...p, iterations: 3, seed: 7 })
    const b = griffinLim(mag, spec.frames, spec.bins, { ...p, iterations: 3, seed: 7 })
    expect(Array.from(a)).toEqual(Array.from(b))
    // The true phase is already a fixed point: zero iterations give the signal back.
    const y = griffinLim(mag, spec.frames, spec.bins, { ...p, iterations: 0, initPhase: phase(spec), length: x.length })
    expect(spectralConvergence(mag, y, p)).toBeLessThan(1e-5)
  })

  it('refuses bad options with one clear line', () => {
    const run = (o: object) => () => griffinLim(mag, spec.frames, spec.bins, { ...p, iterations: 2, ...o })
    expect(run({ momentum: 1 })).toThrow(/momentum 1 is not in \[0, 1\)/)
    expect(run({ iterations: -1 })).toThrow(/iterations -1/)
    expect(run({ length: 10 })).toThrow(/length 10 does not give/)
    expect(run({ initPhase: new Float32Array(3) })).toThrow(/initPhase has 3 values/)
    expect(() => griffinLim(mag, spec.frames + 1, spec.bins, { ...p, iterations: 1 })).toThrow(UserError)
    expect(() => spectralConvergence(new Float32Array(mag.length), x, p)).toThrow(/all zero/)
  })
})
