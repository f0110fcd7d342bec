import { describe, expect, it } from 'vitest'
import type { ModelSummary, RunSummary } from '../../../src-preload/api'
import { chartSeries, lastValue, xRange, smoothEma, smoothingWeight, stepsPerEpoch } from '../../../src-renderer/src/lib/curves'
import {
  bestRocAuc,
  defaultSettings,
  formatMetric,
  formatBytes,
  formatRate,
  pickTagger,
  probabilityLabel,
  runLabel,
  settingsProblem,
  trainingRequest,
  trainingSummary
} from '../../../src-renderer/src/lib/training'

const curve = (steps: number[], values: number[]) => ({ steps: Float32Array.from(steps), values: Float32Array.from(values) })

const run = (id: number, over: Partial<RunSummary> = {}): RunSummary => ({
  id,
  status: 'completed',
  error: null,
  datasetId: 1,
  epochs: 2,
  split: 'shuffled 95/5 split',
  createdAt: '2025-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  config: {},
  bestValRocAuc: null,
  bestValidNll: null,
  testRocAuc: null,
  checkpoints: [{ id: id * 10, epoch: 1, step: 6, sizeBytes: 1000, valRocAuc: null, validNll: null, metrics: {}, createdAt: '' }],
  ...over
})
const model = (id: number, kind: string, runs: RunSummary[]): ModelSummary => ({ id, name: `m${id}`, kind, tags: ['a'], speakers: [], sampleRate: null, receptiveField: null, melBands: null, latents: null, createdAt: '', runs })

describe('curve shaping', () => {
  it('finds the batches per epoch from the first epoch-end record, else the fallback', () => {
    expect(stepsPerEpoch({ epochLoss: curve([6, 12], [0.7, 0.6]) })).toBe(6)
    expect(stepsPerEpoch({ valRocAuc: curve([250, 500], [0.8, 0.85]) }, 3)).toBe(250)
    expect(stepsPerEpoch({ loss: curve([1, 2], [1, 1]) }, 11)).toBe(11)
    expect(stepsPerEpoch({}, Number.NaN)).toBeNull()
    expect(stepsPerEpoch({})).toBeNull()
  })

  it('smooths with a debiased EMA: a constant stays constant from the first point, NaN is skipped', () => {
    expect(smoothEma([2, 2, 2], 0.9)).toEqual([2, 2, 2].map(() => expect.closeTo(2, 12)))
    const s = smoothEma([1, Number.NaN, 3], 0.5)
    expect(s[0]).toBeCloseTo(1, 12)
    expect(s[1]).toBeNull()
    // (0.5 * 0.5 * 1 + 0.5 * 3) / (1 - 0.25) = 1.75 / 0.75
    expect(s[2]).toBeCloseTo(1.75 / 0.75, 12)
    expect(smoothEma([1, 5], 0)).toEqual([1, 5])
  })

  it('leaves short curves unsmoothed and smooths long ones over about a thirtieth of the run', () => {
    expect(smoothingWeight(12)).toBe(0)
    expect(smoothingWeight(60)).toBe(0)
    expect(smoothingWeight(300)).toBeCloseTo(0.9, 12)
    expect(smoothingWeight(1e6)).toBe(0.98)
  })

  it('aligns per-batch loss and per-epoch ROC-AUC on epochs, with nulls where a series has no point', () => {
    const s = chartSeries({ loss: curve([1, 2, 3, 4], [0.7, 0.6, 0.5, 0.4]), valRocAuc: curve([2, 4], [0.8, 0.9]) }, { stepsPerEpoch: 2 })
    expect(s.xUnit).toBe('epoch')
    expect(s.x).toEqual([0.5, 1, 1.5, 2])
    expect(s.loss.map((v) => (v === null ? null : Number(v.toFixed(3))))).toEqual([0.7, 0.6, 0.5, 0.4])
    expect(s.valRocAuc.map((v) => (v === null ? null : Number(v.toFixed(3))))).toEqual([null, 0.8, null, 0.9])
    expect(s.lossSmooth).toHaveLength(4)
  })

  it('falls back to steps, takes validation points the loss lacks, and draws nothing for an empty run', () => {
    const s = chartSeries({ loss: curve([1, 2], [1, 0.5]), valRocAuc: curve([3], [0.7]) })
    expect(s.xUnit).toBe('step')
    expect(s.x).toEqual([1, 2, 3])
    expect(s.loss[2]).toBeNull()
    expect(s.valRocAuc[2]).toBeCloseTo(0.7, 6)
    expect(chartSeries({})).toEqual({ x: [], xUnit: 'step', loss: [], lossSmooth: [], valRocAuc: [], epochLoss: [], validNll: [], xMax: null })
  })

  it("spans a live run's planned epochs on x, else the data, from zero", () => {
    const live = chartSeries({ loss: curve([1, 2], [1, 1]) }, { stepsPerEpoch: 10, plannedEpochs: 5 })
    expect(live.xMax).toBe(5)
    expect(xRange(0.2, live.xMax)).toEqual([0, 5])
    expect(chartSeries({ loss: curve([1], [1]) }, { plannedEpochs: 5 }).xMax).toBeNull()
    expect(xRange(3.5, null)).toEqual([0, 3.5])
    expect(xRange(null, null)).toEqual([0, 1])
  })

  it('reads the last finite value of a metric', () => {
    expect(lastValue(curve([1, 2, 3], [0.5, 0.6, Number.NaN]))).toBeCloseTo(0.6, 6)
    expect(lastValue(undefined)).toBeNull()
    expect(lastValue(curve([], []))).toBeNull()
  })
})

describe('training settings and labels', () => {
  it('starts from the service preset and names the first problem of a setting', () => {
    const s = defaultSettings()
    expect(s).toMatchObject({ arch: 'dieleman', split: 'standard', epochs: 20, batch: 16, top: 50, maxMinutes: null })
    expect(settingsProblem(s)).toMatch(/^Import a MagnaTagATune dataset first/)
    const ok = { ...s, datasetId: 1 }
    expect(settingsProblem(ok)).toBeNull()
    expect(settingsProblem({ ...ok, epochs: 0 })).toMatch(/^Epochs/)
    expect(settingsProblem({ ...ok, epochs: 2.5 })).toMatch(/^Epochs/)
    expect(settingsProblem({ ...ok, batch: Number.NaN })).toMatch(/^Batch/)
    expect(settingsProblem({ ...ok, top: 501 })).toMatch(/^Tags/)
    expect(settingsProblem({ ...ok, maxMinutes: -1 })).toMatch(/^Max minutes/)
    expect(settingsProblem({ ...ok, maxMinutes: 0 })).toBeNull()
  })

  it('sends a time limit only when one is set', () => {
    const s = { ...defaultSettings(), datasetId: 3, split: 'shuffled' as const, top: 5 }
    expect(trainingRequest(s)).toEqual({ datasetId: 3, arch: 'dieleman', split: 'shuffled', epochs: 20, batch: 16, top: 5 })
    expect(trainingRequest({ ...s, maxMinutes: 0 })).not.toHaveProperty('maxMinutes')
    expect(trainingRequest({ ...s, maxMinutes: 1.5 }).maxMinutes).toBe(1.5)
  })

  it('tags with the chosen tagger when it has a checkpoint, else the newest one that has', () => {
    const fresh = model(3, 'tagger/dieleman', [run(5, { status: 'running', checkpoints: [] })])
    const trained = model(2, 'tagger/samplecnn', [run(4)])
    const older = model(1, 'tagger/dieleman', [run(3)])
    const vae = model(9, 'vae', [run(8)])
    const list = [vae, fresh, trained, older]
    expect(pickTagger(list, null)?.id).toBe(2)
    expect(pickTagger(list, 1)?.id).toBe(1)
    expect(pickTagger(list, 3)?.id).toBe(2)
    expect(pickTagger(list, 9)?.id).toBe(2)
    expect(pickTagger([fresh, vae], null)).toBeUndefined()
  })

  it('formats figures for the panel and the chips', () => {
    expect(formatMetric(0.91234)).toBe('0.912')
    expect(formatMetric(null)).toBe('—')
    expect(formatMetric(Number.NaN)).toBe('—')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(831_488)).toBe('812 KB')
    expect(formatBytes(3.4 * 1024 * 1024)).toBe('3.4 MB')
    expect(formatBytes(null)).toBe('—')
    expect(formatRate(212.4)).toBe('212 clips/s')
    expect(formatRate(3.44)).toBe('3.4 clips/s')
    expect(formatRate(undefined)).toBe('')
    expect(probabilityLabel(0.874)).toBe('87%')
    expect(probabilityLabel(0.004)).toBe('<1%')
    expect(probabilityLabel(1)).toBe('100%')
    expect(runLabel(run(7))).toBe('run 7 · completed · 1/2 epochs')
    expect(runLabel({ ...run(7), epochs: null, checkpoints: [] })).toBe('run 7 · completed · 0 epochs')
    expect(bestRocAuc(model(1, 'tagger/dieleman', [run(1, { bestValRocAuc: 0.8 }), run(2, { bestValRocAuc: 0.85 }), run(3)]))).toBe(0.85)
    expect(bestRocAuc(model(1, 'tagger/dieleman', [run(3)]))).toBeNull()
  })

  it('sums up a finished run, or says why it has no ROC-AUC', () => {
    const base = { runId: 4, epochs: 2, reason: 'epochs', testSplit: 'test' as const, clipsPerSecond: 212.2, tags: ['a', 'b'], leftOutTags: [] }
    expect(trainingSummary({ ...base, testRocAuc: 0.9123 })).toBe('Training finished: run 4, 2 epochs, test ROC-AUC 0.912, 212 clips/s')
    const unscored = { ...base, testSplit: 'valid' as const, testRocAuc: null, leftOutTags: ['a', 'b'].map((tag) => ({ tag, reason: 'no negative clip' })) }
    expect(trainingSummary(unscored)).toBe('Training finished: run 4, 2 epochs, 212 clips/s; no valid ROC-AUC: no tag has both a positive and a negative clip in the valid split')
    expect(trainingSummary({ ...base, epochs: 1, reason: 'time', testRocAuc: 0.5 })).toBe('Training finished: run 4, 1 epoch (stopped at the time limit), test ROC-AUC 0.500, 212 clips/s')
    expect(trainingSummary({ ...base, reason: 'early-stopping', testRocAuc: 0.5 })).toMatch(/^Training finished: run 4, 2 epochs \(stopped early: no better validation ROC-AUC for a few epochs\), /)
  })
})
