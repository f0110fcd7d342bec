import { describe, expect, it } from 'vitest'
import { applyChain, finishOutput, prepareInput, processStages } from '../../../../src-main/engine/effects/apply'
import { CHAIN_INPUT_LOUDNESS, neutralChain, type EffectChain } from '../../../../src-main/engine/effects/chain'
import { chainTailSamples, MAX_TAIL_SECONDS, padSilence, TAIL_FLOOR_DB } from '../../../../src-main/engine/effects/tail'
import { loudnessMeter } from '../../../../src-main/dsp/loudness'
import { UserError } from '../../../../src-main/util/errors'
import { noise } from '../../dsp/signals'

/** BS.1770 gating makes integrated loudness a little nonlinear in gain; 0.1 LU is what meters agree on. */
const LU = 0.1
/** Float32 outputs of float64 arithmetic: a few roundings of values up to ~1. */
const F32 = 1e-6
/** Our detector against the meter's true peak (dB): both float rounding of the same interpolator. */
const TP = 1e-4

const SR = 22050

/** Speech-like test audio: noise bursts (syllables) through a 500 Hz one-pole, with pauses. */
function voice(seconds: number, seed: number, level = 0.3): Float32Array {
  const x = noise(Math.round(seconds * SR), seed, level)
  const a = Math.exp((-2 * Math.PI * 500) / SR)
  let s = 0
  for (let i = 0; i < x.length; i++) {
    s = a * s + (1 - a) * x[i]!
    x[i] = Math.sin((Math.PI * i) / (0.25 * SR)) > -0.3 ? 4 * s : 0
  }
  return x
}

function busyChain(): EffectChain {
  const c = neutralChain()
  c.amount = 0.9
  c.eq = { amount: 0.8, highpass: 80, lowpass: 8000, lowShelf: { freq: 150, gain: 3 }, highShelf: { freq: 6000, gain: -2 },
    bands: [300, 700, 1500, 2500, 4000, 8000].map((freq, i) => ({ freq, gain: i % 2 ? 3 : -4, q: 1.5 })) }
  c.compressor = { amount: 0.8, threshold: -30, ratio: 4, attack: 5, release: 80, knee: 6, makeup: 6 }
  c.saturation = { amount: 1, drive: 12, mix: 0.5 }
  c.reverb = { amount: 1, decay: 1.2, preDelay: 20, damping: 0.5, wet: 0.3 }
  return c
}

describe('input checks', () => {
  it('refuses other channel counts, bad rates, unequal lengths and non-finite samples in one line', () => {
    const ok = new Float32Array(100)
    const bad: [Float32Array[], number, RegExp][] = [
      [[ok, ok, ok], SR, /^effect chain: 3 channels \(mono or stereo only\)$/],
      [[], SR, /0 channels/],
      [[ok], 7999, /sample rate 7999 Hz is outside 8000\.\.384000/],
      [[ok], NaN, /sample rate NaN/],
      [[ok, new Float32Array(99)], SR, /channels differ in length/],
      [[Float32Array.from([0, 1, NaN])], SR, /channel 0 sample 2 is NaN/],
      [[ok, Float32Array.from({ length: 100 }, (_, i) => (i === 7 ? Infinity : 0))], SR, /channel 1 sample 7 is Infinity/]
    ]
    for (const [channels, sr, message] of bad) {
      expect(() => processStages(channels, sr, neutralChain())).toThrow(UserError)
      expect(() => processStages(channels, sr, neutralChain())).toThrow(message)
    }
  })
})

describe('prepareInput', () => {
  it('scales to CHAIN_INPUT_LOUDNESS and leaves silence as it is, with a note', async () => {
    const meter = await loudnessMeter()
    const x = voice(5, 1, 0.05)
    const p = prepareInput([x], SR, meter)
    expect(Math.abs(meter.integrated(p.channels, SR) - CHAIN_INPUT_LOUDNESS)).toBeLessThan(LU)
    expect(p.notes).toEqual([])
    const silent = prepareInput([new Float32Array(SR)], SR, meter)
    expect(silent.gainDb).toBe(0)
    expect(silent.notes[0]).toMatch(/silent/)
    expect(silent.channels[0]!.every((v) => v === 0)).toBe(true)
  })
})

describe('processStages', () => {
  it('is the identity for the neutral chain, at amount 0, and with every stage at amount 0', () => {
    const x = voice(2, 2), y = voice(2, 3)
    const off = busyChain()
    for (const s of ['eq', 'compressor', 'saturation', 'reverb'] as const) off[s].amount = 0
    const zero = busyChain()
    zero.amount = 0
    for (const chain of [neutralChain(), off, zero]) {
      const out = processStages([x, y], SR, chain)
      expect(out[0]).toEqual(x)
      expect(out[1]).toEqual(y)
    }
  })

  it('returns new arrays, leaves its input untouched, and gives the same output on every call', () => {
    const x = voice(3, 4), copy = x.slice()
    const a = processStages([x], SR, busyChain())
    processStages([voice(1, 9), voice(1, 8)], 44100, busyChain())
    const b = processStages([x], SR, busyChain())
    expect(x).toEqual(copy)
    expect(a[0]).not.toBe(x)
    expect(b[0]).toEqual(a[0])
    expect(a[0]!.every(Number.isFinite)).toBe(true)
  })

  it('blends with the chain amount: a gives (1 - a) input + a processed', () => {
    const x = voice(2, 5)
    const full = busyChain(), half = busyChain()
    full.amount = 1
    half.amount = 0.5
    const [f] = processStages([x], SR, full), [h] = processStages([x], SR, half)
    for (let i = 0; i < x.length; i++) expect(Math.abs(h![i]! - (0.5 * x[i]! + 0.5 * f![i]!))).toBeLessThan(F32)
  })

  it('processes stereo with one linked compressor: identical sides stay identical', () => {
    const x = voice(2, 6)
    const c = busyChain()
    c.reverb.amount = 0 // the reverb alone is decorrelated per side
    const [l, r] = processStages([x, x], SR, c)
    expect(r).toEqual(l)
  })
})

describe('finishOutput and applyChain', () => {
  // -12 LUFS at -1 dBTP takes this audio 5 dB into the limiter; a peak limiter's loudness levels off
  // (at -10.2 LUFS here), which is why the next test's target is out of reach by design.
  it('reaches the target loudness with the true peak under the ceiling and no sample past 1', async () => {
    const meter = await loudnessMeter()
    for (const output of [{ loudness: -16, truePeak: -1 }, { loudness: -12, truePeak: -1 }, { loudness: -23, truePeak: -6 }]) {
      const x = voice(5, 7, 0.8)
      const r = finishOutput([x, voice(5, 8, 0.8)], SR, output, meter)
      expect(r.truePeak).toBeLessThanOrEqual(output.truePeak)
      // The limiter's detector reports the true peak; the reference meter agrees and keeps the ceiling.
      expect(Math.abs(meter.truePeak(r.channels, SR) - r.truePeak)).toBeLessThan(TP)
      expect(meter.truePeak(r.channels, SR)).toBeLessThanOrEqual(output.truePeak)
      expect(Math.abs(r.loudness - output.loudness)).toBeLessThan(LU + 0.05)
      expect(Math.abs(meter.integrated(r.channels, SR) - r.loudness)).toBeLessThan(LU)
      expect(r.channels.every((c) => c.every((v) => Math.abs(v) <= 1))).toBe(true)
    }
  })

  it('notes a target the ceiling cannot reach instead of failing', async () => {
    const meter = await loudnessMeter()
    const r = finishOutput([voice(5, 9)], SR, { loudness: 0, truePeak: -20 }, meter)
    expect(r.truePeak).toBeLessThanOrEqual(-20)
    expect(r.notes.join()).toMatch(/LUFS, not 0/)
  })

  it('gives silence no gain, with a note', async () => {
    const meter = await loudnessMeter()
    const r = finishOutput([new Float32Array(SR)], SR, { loudness: -16, truePeak: -1 }, meter)
    expect(r.loudness).toBe(-Infinity)
    expect(r.channels[0]!.every((v) => v === 0)).toBe(true)
    expect(r.notes[0]).toMatch(/silent/)
  })

  it('runs the whole chain on stereo: finite, at the target, under the ceiling', async () => {
    const chain = busyChain()
    const r = await applyChain([voice(5, 10, 0.02), voice(5, 11, 0.02)], SR, chain)
    expect(r.inputGainDb).toBeGreaterThan(10)
    expect(r.channels.every((c) => c.every(Number.isFinite))).toBe(true)
    expect(r.truePeak).toBeLessThanOrEqual(chain.output.truePeak)
    expect(Math.abs(r.loudness - chain.output.loudness)).toBeLessThan(LU + 0.05)
  })

  it('keeps the ceiling by the meter on signals with inter-sample peaks: noise, sines near fs/4, clipped squares', async () => {
    const meter = await loudnessMeter()
    const signals = [
      noise(3 * SR, 12, 0.9),
      Float32Array.from({ length: 3 * SR }, (_, i) => 0.9 * Math.sin((2 * Math.PI * (SR / 4 - 3) * i) / SR + 0.7)),
      Float32Array.from({ length: 3 * SR }, (_, i) => Math.max(-0.8, Math.min(0.8, 4 * Math.sin((2 * Math.PI * 997 * i) / SR))))
    ]
    for (const x of signals) {
      for (const output of [{ loudness: -10, truePeak: -1 }, { loudness: -20, truePeak: -3 }]) {
        const r = finishOutput([x], SR, output, meter)
        expect(meter.truePeak(r.channels, SR)).toBeLessThanOrEqual(output.truePeak)
        expect(r.truePeak).toBeLessThanOrEqual(output.truePeak)
        expect(r.channels[0]!.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true)
        if (r.notes.length === 0) expect(Math.abs(meter.integrated(r.channels, SR) - output.loudness)).toBeLessThan(0.5)
      }
    }
  })
})

describe('applyChain: the tail', () => {
  const peakOf = (c: Float32Array): number => c.reduce((m, v) => Math.max(m, Math.abs(v)), 0)

  it('renders the reverb tail past the input down to -90 dB of the peak; keepLength cuts it at the input', async () => {
    const chain = busyChain()
    const x = voice(2, 13)
    const r = await applyChain([x], SR, chain)
    const kept = await applyChain([x], SR, chain, { keepLength: true })
    expect(kept.channels[0]!.length).toBe(x.length)
    expect(kept.tail).toBe(0)
    const y = r.channels[0]!
    expect(y.length).toBe(x.length + r.tail)
    // A 1.2 s room falls 60 dB in 1.2 s: from the voice's level to 90 dB under the peak takes more than 1 s.
    expect(r.tail / SR).toBeGreaterThan(1)
    expect(r.tail).toBeLessThanOrEqual(chainTailSamples(chain, SR))
    // What keepLength cuts is audible: the tail's first 50 ms is within 40 dB of the peak.
    const peak = peakOf(y)
    expect(peakOf(y.subarray(x.length, x.length + Math.round(0.05 * SR)))).toBeGreaterThan(peak * 10 ** (-40 / 20))
    // Checked against the stages run on the prepared input with 2 s more silence than the bound and
    // no cut: the extra silence is under every loudness gate, so the outputs agree, and nothing past
    // our end is above the floor.
    const meter = await loudnessMeter()
    const prepared = prepareInput([x], SR, meter).channels
    const long = finishOutput(processStages(padSilence(prepared, chainTailSamples(chain, SR) + 2 * SR), SR, chain), SR, chain.output, meter)
    const z = long.channels[0]!
    let diff = 0
    for (let i = 0; i < y.length; i++) diff = Math.max(diff, Math.abs(y[i]! - z[i]!))
    expect(diff).toBeLessThan(1e-5)
    expect(peakOf(z.subarray(y.length))).toBeLessThanOrEqual(peakOf(z) * 10 ** (TAIL_FLOOR_DB / 20))
    expect(Math.abs(y[y.length - 1]!)).toBeGreaterThan(0)
  })

  it('renders at most MAX_TAIL_SECONDS of tail, and says so, for settings at the far ends of the ranges (their bound was 437 s, 6 GB at 192 kHz stereo)', async () => {
    const chain = neutralChain()
    chain.eq.highpass = 10
    chain.eq.bands = Array.from({ length: 8 }, () => ({ freq: 10, gain: 30, q: 20 }))
    chain.reverb = { amount: 1, decay: 20, preDelay: 500, damping: 0, wet: 1 }
    const rate = 8000
    expect(chainTailSamples(chain, rate) / rate).toBeGreaterThan(4 * MAX_TAIL_SECONDS)
    const click = new Float32Array(rate / 10)
    click[0] = 1
    const r = await applyChain([click], rate, chain)
    expect(r.tail).toBe(MAX_TAIL_SECONDS * rate)
    expect(r.notes).toContain(`output: the tail was still above ${TAIL_FLOOR_DB} dB of the peak after ${MAX_TAIL_SECONDS.toFixed(2)} s and is cut there`)
    // The longest reverb alone decays within it.
    const room = neutralChain()
    room.reverb = { amount: 1, decay: 20, preDelay: 500, damping: 0, wet: 1 }
    const roomOut = await applyChain([click], rate, room)
    expect(roomOut.tail / rate).toBeLessThan(MAX_TAIL_SECONDS)
    expect(roomOut.notes.filter((note) => note.includes('cut there'))).toEqual([])
  })

  it('adds nothing where nothing rings: the neutral chain, and the whole chain at amount 0', async () => {
    const x = voice(1, 14)
    for (const chain of [neutralChain(), { ...busyChain(), amount: 0 }]) {
      expect(chainTailSamples(chain, SR)).toBe(0)
      const r = await applyChain([x, x], SR, chain)
      expect(r.tail).toBe(0)
      expect(r.channels.map((c) => c.length)).toEqual([x.length, x.length])
    }
  })
})
