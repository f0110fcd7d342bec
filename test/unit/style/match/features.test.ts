import { describe, expect, it } from 'vitest'
import { loadMono } from '../../../../src-main/audio/load'
import { quantile } from '../../../../src-main/dsp/quantile'
import { featurePlan, matchFeatures } from '../../../../src-main/engine/style/match/features'
import { featureDistance } from '../../../../src-main/engine/style/match/fit'
import { roomEvidence } from '../../../../src-main/engine/style/match/dry-voices'
import { DRY_VOICES } from '../../../../src-main/engine/style/match/dry-voices.data'

const SR = 22050
const dir = 'test/fixtures/vocal-match/'
const load = (name: string): Promise<Float32Array> => loadMono(`${dir}${name}.wav`, SR)

describe('matchFeatures: each statistic moves with the processing it is meant to see', () => {
  const plan = featurePlan(SR)
  it('a hall reverb holds the level up after word ends (decay curve) and fills the gaps (floor)', async () => {
    const dry = matchFeatures(await load('mf-hall-content'), plan)
    const wet = matchFeatures(await load('mf-hall-answer'), plan)
    // 93 ms after the sharpest offsets, per band group: dry speech is far down, the hall is not.
    for (let g = 0; g < 4; g++) expect(wet.decay[g * 4 + 2]!).toBeGreaterThan(dry.decay[g * 4 + 2]! + 10)
    for (let g = 0; g < 3; g++) expect(wet.floor[g]!).toBeGreaterThan(dry.floor[g]!)
    expect(roomEvidence(wet.decay)).toBeGreaterThan(0.5)
    expect(roomEvidence(dry.decay)).toBe(0)
  })
  it('no voice of the dry-voice library reads as a room', () => {
    for (const v of DRY_VOICES) expect(roomEvidence(Float64Array.from(v.decay)), v.name).toBe(0)
  })
  it('a telephone band cuts the long-term spectrum below 300 Hz by more than 15 dB relative to 1 kHz', async () => {
    const dry = matchFeatures(await load('mf-telephone-content'), plan)
    const tel = matchFeatures(await load('mf-telephone-answer'), plan)
    const at = (f: number): number => plan.centres.findIndex((c) => c >= f)
    const drop = (x: typeof dry): number => x.ltas[at(1000)]! - x.ltas[at(100)]!
    expect(drop(tel) - drop(dry)).toBeGreaterThan(15)
  })
  it('heavy compression narrows the short-term level spread', async () => {
    const dry = matchFeatures(await load('mf-radio-content'), plan)
    const comp = matchFeatures(await load('mf-radio-answer'), plan)
    expect(comp.levels[0]!).toBeGreaterThan(dry.levels[0]!)
  })
  it('the same processing on another voice is closer than the dry voice (the premise of the fit)', async () => {
    for (const chain of ['telephone', 'hall', 'radio']) {
      const style = matchFeatures(await load(`mf-${chain}-style`), plan)
      const dry = featureDistance(matchFeatures(await load(`mf-${chain}-content`), plan), style, 1)
      const answer = featureDistance(matchFeatures(await load(`mf-${chain}-answer`), plan), style, 1)
      expect(answer).toBeLessThan(dry)
    }
  })
})

describe('quantile', () => {
  it('interpolates linearly like numpy.quantile', () => {
    expect(quantile(Float64Array.from([4, 1, 3, 2]), 0.5)).toBe(2.5)
    expect(quantile(Float64Array.from([1, 2, 3, 4, 5]), 0.1)).toBeCloseTo(1.4, 12)
    expect(quantile(new Float64Array(0), 0.5)).toBe(0)
  })
})
