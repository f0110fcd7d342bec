import { describe, expect, it } from 'vitest'
import { loadMono } from '../../src-main/audio/load'
import { loudnessMeter } from '../../src-main/dsp/loudness'
import { multiResolutionMelDistance } from '../../src-main/dsp/mel-distance'
import { parseChain } from '../../src-main/engine/effects/chain'
import { stylizeMatch } from '../../src-main/engine/style/match/index'
import { createRng } from '../../src-main/util/random'

const SR = 22050
const dir = 'test/fixtures/vocal-match/'
const load = (name: string): Promise<Float32Array> => loadMono(`${dir}${name}.wav`, SR)

describe('match method on the known-answer set', () => {
  it('moves a dry voice toward the answer (telephone band and a hall), and the same seed gives the same chain', async () => {
    for (const name of ['mf-telephone', 'fm-hall']) {
      const [content, style, answer] = await Promise.all([load(`${name}-content`), load(`${name}-style`), load(`${name}-answer`)])
      const out = await stylizeMatch(content, style, SR, { seed: 3 })
      const share = multiResolutionMelDistance(out.audio, answer, SR) / multiResolutionMelDistance(content, answer, SR)
      // Measured 0.35-0.45 on these two; 0.75 leaves room for machine differences in the search's time budget.
      expect(share, name).toBeLessThan(0.75)
      expect(() => parseChain(out.report.chain)).not.toThrow()
      // Cut at the content's length, reverb or not: the render sits on the timeline aligned with its content.
      expect(out.audio.length, name).toBe(content.length)
      if (name === 'mf-telephone') {
        expect(out.report.chain!.eq.highpass).toBeGreaterThan(150)
        expect(out.report.chain!.eq.lowpass).toBeLessThan(6000)
      } else {
        expect(out.report.chain!.reverb.wet).toBeGreaterThan(0.05)
        expect(out.report.chain!.reverb.decay).toBeGreaterThan(0.5)
      }
    }
  }, 120_000)

  it('is reproducible: the same inputs and seed give the same chain and the same samples', async () => {
    const [content, style] = await Promise.all([load('mf-radio-content'), load('mf-radio-style')])
    // A fixed evaluation budget (not wall time) makes the search itself repeatable.
    const a = await stylizeMatch(content, style, SR, { seed: 1, matchStages: ['eq'] })
    const b = await stylizeMatch(content, style, SR, { seed: 1, matchStages: ['eq'] })
    expect(a.report.chain).toEqual(b.report.chain)
    expect(a.audio).toEqual(b.audio)
  }, 60_000)

  it('never clips and keeps the true-peak ceiling, and reports what it measured', async () => {
    const [content, style] = await Promise.all([load('fm-lofi-content'), load('fm-lofi-style')])
    const out = await stylizeMatch(content, style, SR, { truePeak: -2, loudness: -12, matchStages: ['eq', 'saturation'] })
    const meter = await loudnessMeter()
    expect(meter.truePeak([out.audio], SR)).toBeLessThanOrEqual(-2 + 0.1)
    for (const v of out.audio) expect(Number.isFinite(v) && Math.abs(v) < 1).toBe(true)
    expect(out.report.fit!.stages).toEqual(['eq', 'saturation'])
    expect(out.report.chain!.compressor.ratio).toBe(1)
  }, 60_000)
})

describe('match method on a band-limited pair', () => {
  it('switches off what the EQ set above the 8 kHz band limit of the bundled 16 kHz pair, and says so', async () => {
    // As the stylize job runs it: both files at the match rate, the band limit half their 16 kHz.
    const [content, style] = await Promise.all([loadMono('resources/examples/content-voice.wav', 44_100), loadMono('resources/examples/style-voice.wav', 44_100)])
    const out = await stylizeMatch(content, style, 44_100, {}, {}, { content: 'content-voice.wav', style: 'style-voice.wav' }, 8000)
    const eq = out.report.chain!.eq
    // Before: a low-pass at 8358 Hz, where neither file has signal, that would dull a full-band take.
    expect(eq.lowpass === 20_000 || eq.lowpass < 8000).toBe(true)
    expect(eq.bands.filter((b) => b.gain !== 0 && b.freq >= 8000)).toEqual([])
    expect(eq.highShelf.gain === 0 || eq.highShelf.freq < 8000).toBe(true)
    expect(out.report.fit!.notes).toContain('eq: switched off low-pass at 8358 Hz: the material it was fitted on has no signal above 8000 Hz, so nothing there to judge it by')
  }, 60_000)
})

describe('match method: bad input', () => {
  const noise = (n: number, amp: number, seed = 1): Float32Array => {
    const rng = createRng(seed)
    return Float32Array.from({ length: n }, () => amp * rng.normal())
  }
  it('refuses silent and near-silent input in one line naming it', async () => {
    const voice = await load('mf-hall-content')
    await expect(stylizeMatch(new Float32Array(SR * 2), voice, SR, {})).rejects.toThrow(/^content: near-silent/)
    await expect(stylizeMatch(voice, noise(SR * 2, 1e-5), SR, {})).rejects.toThrow(/^style: near-silent/)
  })
  it('falls back to EQ and loudness for a style with no voice in it, and says so', async () => {
    const voice = await load('mf-hall-content')
    const out = await stylizeMatch(voice, noise(SR * 3, 0.1), SR, {})
    expect(out.report.fit!.stages).toEqual(['eq'])
    expect(out.report.fit!.notes.join('\n')).toMatch(/style: no pitched voice found .* fitted the EQ and loudness only/)
  }, 60_000)
  it('notes clipped input and still writes an unclipped output', async () => {
    const voice = await load('mf-warm-content')
    const clipped = Float32Array.from(voice, (v) => Math.max(-1, Math.min(1, v * 8)))
    const out = await stylizeMatch(clipped, await load('mf-warm-style'), SR, { matchStages: ['eq'] })
    expect(out.report.fit!.notes.join('\n')).toMatch(/content: \d+ clipped runs?/)
    expect(Math.max(...out.audio.map(Math.abs))).toBeLessThan(1)
  }, 60_000)
  it('refuses a clip too short to measure, naming it', async () => {
    const voice = await load('mf-hall-content')
    await expect(stylizeMatch(voice.subarray(0, SR * 0.05), voice, SR, {}, {}, { content: 'take.wav', style: 'ref.wav' })).rejects.toThrow(/^take.wav: too short for the match method \(0.05 s; it needs at least 0.5 s\)/)
  })
  it('refuses the other methods\' options rather than ignoring them', async () => {
    const voice = await load('mf-warm-content')
    await expect(stylizeMatch(voice, voice, SR, { iterations: 5 })).rejects.toThrow(/^iterations: not an option of the match method/)
    await expect(stylizeMatch(voice, voice, SR, { filters: 64 })).rejects.toThrow(/^filters: not an option of the match method/)
  })
  it('refuses bad options in one line', async () => {
    const voice = await load('mf-warm-content')
    await expect(stylizeMatch(voice, voice, SR, { matchStages: ['delay' as never] })).rejects.toThrow(/match stages: "delay" is not one of eq, compressor, saturation, reverb/)
    await expect(stylizeMatch(voice, voice, SR, { loudness: 5 })).rejects.toThrow(/loudness: 5 LUFS is outside -60..0/)
    await expect(stylizeMatch(voice, voice, SR, { truePeak: 3 })).rejects.toThrow(/true peak: 3 dBTP is outside -20..0/)
  })
})
