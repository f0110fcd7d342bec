import { describe, expect, it } from 'vitest'
import { neutralChain } from '../../../src-main/engine/effects/chain'
import { eqColumns, parseTyped, rangeOf, stageActive } from '../../../src-renderer/src/lib/chain-knobs'
import { readRenderSettings } from '../../../src-renderer/src/lib/render-settings'

describe('chain panel maths', () => {
  it('lays the EQ out one column per filter, in frequency order, with each band\'s freq, gain and Q together', () => {
    const c = neutralChain()
    c.eq.bands = [
      { freq: 2500, gain: 1, q: 2 },
      { freq: 300, gain: 0, q: 1 },
      { freq: 6000, gain: -2, q: 3 },
      { freq: 900, gain: 0, q: 1 }
    ]
    const cols = eqColumns(c)
    expect(cols.map((col) => col.title)).toEqual(['high-pass', 'low shelf', 'band 1', 'band 2', 'band 3', 'band 4', 'high shelf', 'low-pass'])
    expect(cols.slice(2, 6).map((col) => col.knobs[0]!.path)).toEqual(['eq.bands.1.freq', 'eq.bands.3.freq', 'eq.bands.0.freq', 'eq.bands.2.freq'])
    expect(cols[2]!.knobs.map((k) => k.path)).toEqual(['eq.bands.1.freq', 'eq.bands.1.gain', 'eq.bands.1.q'])
    // Every knob of the EQ appears exactly once.
    expect(cols.flatMap((col) => col.knobs).length).toBe(1 + 2 + 4 * 3 + 2 + 1)
  })

  it('reads a stage that changes nothing as off', () => {
    const c = neutralChain()
    expect(['eq', 'compressor', 'saturation', 'reverb'].map((s) => stageActive(c, s as 'eq'))).toEqual([false, false, false, false])
    c.compressor.ratio = 4
    c.saturation.mix = 0.2
    c.reverb.wet = 0.1
    c.eq.highpass = 80
    expect(['eq', 'compressor', 'saturation', 'reverb'].map((s) => stageActive(c, s as 'eq'))).toEqual([true, true, true, true])
  })

  it('reads typed values: exponents and k, in the knob\'s unit; out of range is set to the bound and said', () => {
    const hz = rangeOf('eq.bands.0.freq')
    expect(parseTyped('1e4', hz, 'freq')).toEqual({ value: 10_000, note: null })
    expect(parseTyped('2.4k', hz, 'freq')).toEqual({ value: 2400, note: null })
    expect(parseTyped('2.4 kHz', hz, 'freq')).toEqual({ value: 2400, note: null })
    expect(parseTyped('1.5e3 Hz', hz, 'freq')).toEqual({ value: 1500, note: null })
    expect(parseTyped('abc', hz, 'freq')).toBeNull()
    expect(parseTyped('1000', rangeOf('compressor.ratio'), 'ratio')).toEqual({ value: 50, note: 'ratio: 1000 is above 50; set to 50' })
    expect(parseTyped('-90', rangeOf('compressor.threshold'), 'threshold')).toEqual({ value: -80, note: 'threshold: -90 dB is below -80 dB; set to -80 dB' })
    expect(parseTyped('40', rangeOf('reverb.wet'), 'wet')).toEqual({ value: 0.4, note: null })
    expect(parseTyped('150', rangeOf('reverb.wet'), 'wet')).toEqual({ value: 1, note: 'wet: 150 % is above 100 %; set to 100 %' })
  })

  it('reads the render panel\'s stored settings back, dropping what is not valid', () => {
    expect(readRenderSettings(JSON.stringify({ method: 'match', seed: 3 }))).toEqual({ method: 'match', seed: 3 })
    expect(readRenderSettings(JSON.stringify({ method: 'gram', iterations: 300, contentWeight: 1, styleWeight: 2, seed: 0 }))).toEqual({ method: 'gram', iterations: 300, contentWeight: 1, styleWeight: 2, seed: 0 })
    expect(readRenderSettings(JSON.stringify({ method: 'bogus', iterations: -1, seed: 1.5 }))).toEqual({})
    expect(readRenderSettings('{not json')).toEqual({})
    expect(readRenderSettings(null)).toEqual({})
  })
})
