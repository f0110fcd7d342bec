import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ApplyChainRequest, ChainOutput, StylizeReport, Track } from '../../../src-preload/api'
import { neutralChain, PARAM_RANGES } from '../../../src-main/engine/effects/chain'
import { formatKnob, fromNorm, getParam, knobGroups, noBypass, rangeOf, setParam, toggleBypass, toNorm } from '../../../src-renderer/src/lib/chain-knobs'
import { curveRangeDb, dbToY, freqToX } from '../../../src-renderer/src/lib/eq-curve'
import { EDIT_DELAY_MS, useChainStore } from '../../../src-renderer/src/stores/chain'
import { useTracksStore } from '../../../src-renderer/src/stores/tracks'
import { installFakeApi, type FakeApi } from './fake-api'

let fake: FakeApi = {}
const calls = installFakeApi(() => fake)

describe('chain knobs (pure)', () => {
  it('maps values to the travel and back, log where the range says so', () => {
    const hz = rangeOf('eq.highpass')
    expect(hz.log).toBe(true)
    expect(toNorm(10, hz)).toBe(0)
    expect(toNorm(4000, hz)).toBe(1)
    // Geometric middle of 10..4000 Hz sits half way along a log knob.
    expect(toNorm(Math.sqrt(10 * 4000), hz)).toBeCloseTo(0.5, 12)
    for (const path of Object.keys(PARAM_RANGES)) {
      const r = PARAM_RANGES[path]!
      for (const n of [0, 0.25, 0.5, 1]) expect(toNorm(fromNorm(n, r), r)).toBeCloseTo(n, 9)
    }
    // Every band shares the band ranges; out-of-range values are clamped to the ends of the travel.
    expect(rangeOf('eq.bands.3.q')).toBe(PARAM_RANGES['eq.band.q'])
    expect(toNorm(-100, rangeOf('compressor.threshold'))).toBe(0)
    expect(toNorm(0, rangeOf('reverb.preDelay'))).toBe(0)
  })

  it('reads values with their units', () => {
    expect(formatKnob(2400, rangeOf('eq.bands.0.freq'))).toBe('2.4 kHz')
    expect(formatKnob(120, rangeOf('eq.highpass'))).toBe('120 Hz')
    expect(formatKnob(-3.46, rangeOf('compressor.threshold'))).toBe('-3.5 dB')
    expect(formatKnob(0.4, rangeOf('reverb.wet'))).toBe('40 %')
    expect(formatKnob(1.25, rangeOf('reverb.decay'))).toBe('1.25 s')
    expect(formatKnob(-16, rangeOf('output.loudness'))).toBe('-16.0 LUFS')
  })

  it('sets a parameter on a copy, clamped to its range, and lists a knob for every scalar of every stage', () => {
    const c = neutralChain()
    const next = setParam(c, 'eq.bands.2.gain', 99)
    expect(getParam(next, 'eq.bands.2.gain')).toBe(30)
    expect(getParam(c, 'eq.bands.2.gain')).toBe(0)
    expect(getParam(setParam(c, 'compressor.ratio', 0), 'compressor.ratio')).toBe(1)
    const paths = knobGroups(c).flatMap((g) => g.knobs.map((k) => k.path))
    // 4 bands x 3 + 6 other EQ knobs, 6 compressor, 2 saturation, 4 reverb, 3 output; stage amounts are separate.
    expect(paths).toHaveLength(12 + 6 + 6 + 2 + 4 + 3)
    for (const p of paths) expect(() => getParam(c, p)).not.toThrow()
  })

  it('bypasses a stage and brings it back at its amount', () => {
    const c = setParam(neutralChain(), 'reverb.amount', 0.6)
    const off = toggleBypass(c, 'reverb', noBypass())
    expect(off.chain.reverb.amount).toBe(0)
    expect(off.memory.reverb).toBe(0.6)
    const on = toggleBypass(off.chain, 'reverb', off.memory)
    expect(on.chain.reverb.amount).toBe(0.6)
    expect(on.memory.reverb).toBeNull()
  })

  it('lays the EQ curve out on a log axis with a range that fits it', () => {
    const eq = neutralChain().eq
    expect(curveRangeDb(eq)).toBe(12)
    expect(curveRangeDb({ ...eq, bands: [...eq.bands, { freq: 3000, gain: -13.2, q: 2 }] })).toBe(18)
    // Amount scales the gains the curve shows; a steep low-pass does not widen the range.
    expect(curveRangeDb({ ...eq, amount: 0.5, lowpass: 3000, highShelf: { freq: 6000, gain: 20 } })).toBe(12)
    expect(freqToX(20, 20, 20_000, 300)).toBe(0)
    expect(freqToX(20_000, 20, 20_000, 300)).toBeCloseTo(300, 9)
    expect(freqToX(632.455532, 20, 20_000, 300)).toBeCloseTo(150, 3)
    expect(dbToY(0, 12, 100)).toBe(50)
    expect(dbToY(40, 12, 100)).toBe(0)
  })
})

const report = (over: Partial<StylizeReport> = {}): StylizeReport => ({
  method: 'match',
  backend: 'none',
  optimizer: 'nelder-mead',
  sampleRate: 44_100,
  nFft: 0,
  hop: 0,
  filters: 0,
  iterations: 10,
  wallMs: 1,
  peakRssMb: 1,
  finalLoss: 0,
  styleDistance: { content: 2, output: 1 },
  contentDistance: 0.3,
  chain: neutralChain(),
  ...over
})

function matchTrack(): Track {
  const tracks = useTracksStore()
  const id = tracks.addOutput({ renderId: '7', audio: { path: '/d/renders/a.wav', name: 'a.wav', duration: 1, sampleRate: 44_100, channels: 1 }, report: report() }, '/c.wav', '/s.wav')
  return tracks.tracks.find((t) => t.id === id)!
}

const output = (req: ApplyChainRequest, n: number): ChainOutput => ({
  audio: { path: `/d/renders/edit-${n}.wav`, name: `edit-${n}.wav`, duration: 1, sampleRate: 44_100, channels: 1 },
  chain: req.chain!,
  loudness: -16,
  truePeak: -1,
  inputGainDb: 0,
  tail: 0,
  measures: { loudness: -16, truePeak: -1, crestFactor: 12, spectralCentroid: 900, rt60: null },
  wallMs: 40,
  chainMs: 30,
  xRealtime: 25,
  notes: [],
  render: { renderId: String(100 + n), audio: { path: `/d/renders/edit-${n}.wav`, name: `edit-${n}.wav`, duration: 1, sampleRate: 44_100, channels: 1 }, report: report({ chain: req.chain! }) }
})

describe('chain store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.useFakeTimers()
    fake = {}
    calls.length = 0
  })
  afterEach(() => vi.useRealTimers())

  it('opens a match track with its fitted chain; a track without a chain does not open', () => {
    const chain = useChainStore()
    expect(chain.openTrack({ id: 'x', kind: 'output', name: 'texture #1', muted: false, solo: false, clips: [], render: { renderId: '1', contentPath: '', stylePath: '', report: report({ chain: undefined }) } })).toBe(false)
    const t = matchTrack()
    expect(chain.openTrack(t)).toBe(true)
    expect(chain.open).toBe(true)
    expect(chain.target).toMatchObject({ trackId: t.id, renderId: '7', contentPath: '/c.wav' })
    expect(chain.edited).toBe(false)
  })

  it('debounces edits into one render of the last value, which replaces the track\'s audio', async () => {
    let n = 0
    fake.applyChain = async (req?: never) => output(req as unknown as ApplyChainRequest, ++n)
    const chain = useChainStore()
    const t = matchTrack()
    chain.openTrack(t)
    chain.set('compressor.ratio', 2)
    chain.set('compressor.ratio', 3)
    chain.set('compressor.ratio', 4)
    expect(chain.status).toBe('waiting')
    expect(calls).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(EDIT_DELAY_MS)
    expect(calls.map((c) => c.method)).toEqual(['applyChain'])
    // An edit is cut at its content's length (timeline alignment) unless the tail is asked for.
    expect(calls[0]!.req).toMatchObject({ path: '/c.wav', renderId: '7', chain: { compressor: { ratio: 4 } }, keepLength: true })
    expect(chain.status).toBe('idle')
    expect(chain.renders).toBe(1)
    const track = useTracksStore().tracks.find((x) => x.id === t.id)!
    expect(track.clips[0]!.path).toBe('/d/renders/edit-1.wav')
    expect(track.render).toMatchObject({ renderId: '101', report: { chain: { compressor: { ratio: 4 } } } })
    // The next edit builds on the render that replaced the fitted one.
    expect(chain.target!.renderId).toBe('101')
    expect(chain.edited).toBe(true)
  })

  it('renders the reverb tail past the clip when asked, and cuts it again when unticked', async () => {
    fake.applyChain = async (req?: never) => output(req as unknown as ApplyChainRequest, 1)
    const chain = useChainStore()
    chain.openTrack(matchTrack())
    expect(chain.tail).toBe(false)
    chain.setTail(true)
    await vi.advanceTimersByTimeAsync(EDIT_DELAY_MS)
    chain.setTail(true)
    await vi.advanceTimersByTimeAsync(EDIT_DELAY_MS)
    chain.setTail(false)
    await vi.advanceTimersByTimeAsync(EDIT_DELAY_MS)
    // Setting what it already is renders nothing.
    expect(calls.filter((c) => c.method === 'applyChain').map((c) => (c.req as ApplyChainRequest).keepLength)).toEqual([false, true])
  })

  it('applies a preset as a new output track cut at the content\'s length', async () => {
    fake.applyChain = async (req?: never) => output({ ...(req as unknown as ApplyChainRequest), chain: neutralChain() }, 1)
    await useChainStore().applyPreset(3, '/c.wav', '/s.wav')
    expect(calls.at(-1)).toMatchObject({ method: 'applyChain', req: { path: '/c.wav', presetId: 3, stylePath: '/s.wav', keepLength: true } })
  })

  it("shows the render's notes, then each re-render's (a loudness target out of reach, say)", async () => {
    fake.applyChain = async (req?: never) => ({ ...output(req as unknown as ApplyChainRequest, 1), notes: ['output: -10.4 LUFS, not 0 (the -1 dBTP ceiling leaves no more)'] })
    const chain = useChainStore()
    const t = matchTrack()
    t.render!.report.fit = { stages: ['eq'], evaluations: 10, fitMs: 1, notes: ['fitted note'] }
    chain.openTrack(t)
    expect(chain.notes).toEqual(['fitted note'])
    chain.set('output.loudness', 0)
    await vi.advanceTimersByTimeAsync(EDIT_DELAY_MS)
    expect(chain.notes).toEqual(['output: -10.4 LUFS, not 0 (the -1 dBTP ceiling leaves no more)'])
  })

  it('cancels a superseded render and keeps only the newest result', async () => {
    const pending: ((v: unknown) => void)[] = []
    fake.applyChain = () => new Promise((resolve) => pending.push(resolve))
    fake.cancelJob = async () => ({ cancelled: true })
    const chain = useChainStore()
    const t = matchTrack()
    chain.openTrack(t)
    chain.set('reverb.wet', 0.3)
    await vi.advanceTimersByTimeAsync(EDIT_DELAY_MS)
    chain.set('reverb.wet', 0.5)
    await vi.advanceTimersByTimeAsync(EDIT_DELAY_MS)
    const [first, second] = calls.filter((c) => c.method === 'applyChain').map((c) => c.req as ApplyChainRequest)
    expect(calls.find((c) => c.method === 'cancelJob')?.req).toEqual({ jobId: first!.jobId })
    pending[1]!(output(second!, 2))
    pending[0]!(output(first!, 1))
    await vi.advanceTimersByTimeAsync(0)
    expect(useTracksStore().tracks.find((x) => x.id === t.id)!.clips[0]!.path).toBe('/d/renders/edit-2.wav')
    expect(chain.renders).toBe(1)
  })

  it('shows a failed render as an error line and keeps the edit', async () => {
    fake.applyChain = async () => {
      throw new Error('applyChain: invalid chain: reverb.decay: 60 is out of range (maximum 20)')
    }
    const chain = useChainStore()
    chain.openTrack(matchTrack())
    chain.set('reverb.decay', 2)
    await vi.advanceTimersByTimeAsync(EDIT_DELAY_MS)
    expect(chain.status).toBe('error')
    expect(chain.error).toContain('reverb.decay')
    expect(chain.chain!.reverb.decay).toBe(2)
  })

  it('saves the edited chain as a preset linked to its render, and loads a preset into the panel', async () => {
    const preset = { id: 3, name: 'Warm', chain: setParam(neutralChain(), 'saturation.drive', 9), problem: null, sourceRenderId: 7, createdAt: '', updatedAt: '' }
    fake.savePreset = async () => preset
    fake.listPresets = async () => [preset]
    fake.applyChain = async (req?: never) => output(req as unknown as ApplyChainRequest, 1)
    const chain = useChainStore()
    chain.openTrack(matchTrack())
    expect(await chain.savePreset('  Warm ')).toEqual(preset)
    expect(calls[0]).toMatchObject({ method: 'savePreset', req: { name: 'Warm', sourceRenderId: 7 } })
    expect(chain.presets).toEqual([preset])
    expect(chain.loadPreset(3)).toBe(true)
    expect(chain.chain!.saturation.drive).toBe(9)
    await vi.advanceTimersByTimeAsync(EDIT_DELAY_MS)
    expect(calls.at(-1)).toMatchObject({ method: 'applyChain', req: { chain: { saturation: { drive: 9 } } } })
  })
})
