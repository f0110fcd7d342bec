import { describe, expect, it } from 'vitest'
import type { ModelSummary, RunSummary, SpeakerInfo, TrainingDataset } from '../../../src-preload/api'
import { chartSeries } from '../../../src-renderer/src/lib/curves'
import {
  bestCheckpointId,
  canGenerate,
  datasetsFor,
  defaultGenerateSettings,
  defaultWavenetSettings,
  generateProblem,
  generateRequest,
  inUnit,
  modelMeta,
  nllLabel,
  rateLabel,
  receptiveFieldLabel,
  runFigures,
  speakerFor,
  speakerLabel,
  toggleSpeaker,
  wavenetSettingsProblem,
  wavenetSummary,
  wavenetTrainingRequest
} from '../../../src-renderer/src/lib/wavenet'

const speakers: SpeakerInfo[] = [
  { code: 'p225', gender: 'F', accent: 'English' },
  { code: 'p226', gender: 'M', accent: null },
  { code: 'p227', gender: null, accent: null }
]
const checkpoint = (id: number, validNll: number | null) => ({ id, epoch: id, step: id * 6, sizeBytes: 10, valRocAuc: null, validNll, metrics: {}, createdAt: '' })
const run = (checkpoints: RunSummary['checkpoints']): RunSummary => ({
  id: 1,
  status: 'completed',
  error: null,
  datasetId: 1,
  epochs: 2,
  split: null,
  createdAt: '',
  startedAt: null,
  finishedAt: null,
  config: {},
  bestValRocAuc: null,
  bestValidNll: 4.2,
  testRocAuc: null,
  checkpoints
})
const wavenet = (over: Partial<ModelSummary> = {}): ModelSummary => ({
  id: 3,
  name: 'WaveNet (4 layers, 8 channels) on v080',
  kind: 'wavenet/mulaw',
  tags: [],
  speakers,
  sampleRate: 8000,
  receptiveField: 17,
  melBands: null,
  latents: null,
  createdAt: '',
  runs: [run([checkpoint(1, 4.5), checkpoint(2, 4.2)])],
  ...over
})

describe('WaveNet training settings', () => {
  it('refuses a missing dataset and bad epochs or minutes in the panel words', () => {
    const s = defaultWavenetSettings()
    expect(wavenetSettingsProblem(s)).toMatch(/^Import a VCTK-format dataset/)
    expect(wavenetSettingsProblem({ ...s, datasetId: 2 })).toBeNull()
    expect(wavenetSettingsProblem({ ...s, datasetId: 2, epochs: 1.5 })).toMatch(/^Epochs/)
    expect(wavenetSettingsProblem({ ...s, datasetId: 2, epochs: 0 })).toMatch(/^Epochs/)
    expect(wavenetSettingsProblem({ ...s, datasetId: 2, maxMinutes: -1 })).toMatch(/^Max minutes/)
  })

  it('sends speakers only when ticked and conditioned on them, a time limit only when set', () => {
    const s = { ...defaultWavenetSettings(), datasetId: 2 }
    expect(wavenetTrainingRequest(s)).toEqual({ family: 'wavenet', datasetId: 2, preset: 'tiny', condition: 'speaker', epochs: 2 })
    expect(wavenetTrainingRequest({ ...s, speakers: ['p226'], maxMinutes: 3 })).toEqual({ family: 'wavenet', datasetId: 2, preset: 'tiny', condition: 'speaker', epochs: 2, speakers: ['p226'], maxMinutes: 3 })
    expect(wavenetTrainingRequest({ ...s, condition: 'none', speakers: ['p226'], maxMinutes: 0 })).not.toHaveProperty('speakers')
    expect(wavenetTrainingRequest({ ...s, condition: 'speaker+mel', speakers: ['p225'] }).speakers).toEqual(['p225'])
  })

  it('ticks speakers in the dataset order (the one-hot order), unticks them again', () => {
    let ticked = toggleSpeaker([], 'p227', speakers)
    ticked = toggleSpeaker(ticked, 'p225', speakers)
    expect(ticked).toEqual(['p225', 'p227'])
    expect(toggleSpeaker(ticked, 'p225', speakers)).toEqual(['p227'])
  })

  it('lists each family its own datasets', () => {
    const d = (id: number, kind: 'mtat' | 'vctk'): TrainingDataset => ({ id, name: `d${id}`, kind, clips: 1, tags: 0, speakers: [], importedAt: '' })
    const all = [d(1, 'mtat'), d(2, 'vctk'), d(3, 'vctk')]
    expect(datasetsFor('tagger', all).map((x) => x.id)).toEqual([1])
    expect(datasetsFor('wavenet', all).map((x) => x.id)).toEqual([2, 3])
  })
})

describe('WaveNet labels and figures', () => {
  it('labels speakers with what the library knows', () => {
    expect(speakers.map(speakerLabel)).toEqual(['p225 · F · English', 'p226 · M', 'p227'])
  })

  it('converts nats to bits by ln 2 and labels both', () => {
    expect(inUnit(Math.log(2), 'bits')).toBeCloseTo(1, 12)
    expect(inUnit(3, 'nats')).toBe(3)
    // log(256) nats is the NLL of a uniform guess over 256 mu-law levels: exactly 8 bits.
    expect(nllLabel(Math.log(256))).toBe('5.545 nats/sample (8.00 bits)')
    expect(nllLabel(null)).toBe('—')
  })

  it('gives the receptive field in samples and milliseconds, the rate with the realtime factor', () => {
    expect(receptiveFieldLabel(17, 8000)).toBe('17 samples (2.1 ms)')
    expect(receptiveFieldLabel(2048, null)).toBe('2048 samples')
    expect(rateLabel(4213.4, 0.2633)).toBe('4,213 samples/s · 0.26× realtime')
    expect(rateLabel(undefined, undefined)).toBe('')
  })

  it('finds the best checkpoint by the lowest validation NLL, and the run figures', () => {
    expect(bestCheckpointId(run([checkpoint(1, 4.5), checkpoint(2, 4.2), checkpoint(3, 4.3)]))).toBe(2)
    expect(bestCheckpointId(run([checkpoint(1, null)]))).toBeNull()
    expect(runFigures(wavenet(), wavenet().runs[0]!)).toEqual({ receptiveField: '17 samples (2.1 ms)', validNll: '4.200 nats/sample (6.06 bits)', checkpoint: '2' })
  })

  it('describes the model and the finished run', () => {
    expect(modelMeta(wavenet())).toBe('wavenet/mulaw · 3 speakers · 8000 Hz · RF 17')
    expect(modelMeta(wavenet({ speakers: [], sampleRate: null, receptiveField: null }))).toBe('wavenet/mulaw · unconditioned')
    expect(modelMeta(wavenet({ speakers: [], melBands: 80 }))).toBe('wavenet/mulaw · mel 80 · 8000 Hz · RF 17')
    const line = wavenetSummary({ runId: 4, epochs: 1, reason: 'epochs', receptiveField: 17, validNll: Math.log(256), checkpointId: 9 })
    expect(line).toBe('WaveNet trained: run 4, 1 epoch, receptive field 17 samples, valid NLL 5.545 nats/sample (8.00 bits), best checkpoint 9')
    expect(wavenetSummary({ runId: 4, epochs: 3, reason: 'time', receptiveField: 17, validNll: null, checkpointId: 9 })).toContain('(stopped at the time limit)')
  })

  it('puts train and valid NLL on the loss axis, scaled to bits when asked', () => {
    const curve = (steps: number[], values: number[]) => ({ steps: Float32Array.from(steps), values: Float32Array.from(values) })
    const curves = { loss: curve([1, 2, 3, 4], [5, 4.8, 4.6, 4.4]), epochLoss: curve([2, 4], [4.9, 4.5]), validNll: curve([2, 4], [4.7, 4.3]) }
    const s = chartSeries(curves, { stepsPerEpoch: 2, lossScale: 1 / Math.log(2) })
    expect(s.x).toEqual([0.5, 1, 1.5, 2])
    expect(s.validNll[1]).toBeCloseTo(4.7 / Math.log(2), 5)
    expect(s.epochLoss[3]).toBeCloseTo(4.5 / Math.log(2), 5)
    expect(s.validNll[0]).toBeNull()
    expect(s.loss[0]).toBeCloseTo(5 / Math.log(2), 5)
  })
})

describe('generate settings', () => {
  it('needs a WaveNet with a checkpoint, seconds in 0..600, a temperature above 0, a whole seed and a trained speaker', () => {
    const s = { ...defaultGenerateSettings(), modelId: 3, speaker: 'p226' }
    expect(generateProblem(s, undefined)).toMatch(/^Train a WaveNet first/)
    expect(generateProblem(s, wavenet({ runs: [run([])] }))).toBe('Model 3 has no checkpoint yet')
    expect(generateProblem(s, wavenet())).toBeNull()
    expect(generateProblem({ ...s, seconds: 0 }, wavenet())).toMatch(/^Seconds/)
    expect(generateProblem({ ...s, seconds: 601 }, wavenet())).toMatch(/^Seconds/)
    expect(generateProblem({ ...s, temperature: 0 }, wavenet())).toMatch(/^Temperature/)
    expect(generateProblem({ ...s, seed: 1.5 }, wavenet())).toMatch(/^Seed/)
    expect(generateProblem({ ...s, speaker: 'p999' }, wavenet())).toMatch(/^Pick one of the speakers/)
    expect(generateProblem({ ...s, speaker: '' }, wavenet({ speakers: [] }))).toBeNull()
  })

  it('a mel-conditioned model needs a clip and no seconds, and gets the clip', () => {
    const s = { ...defaultGenerateSettings(), modelId: 3, speaker: 'p225', seconds: 0 }
    const mel = wavenet({ melBands: 80 })
    expect(generateProblem(s, mel)).toMatch(/^Pick a clip/)
    expect(generateProblem({ ...s, melPath: '/d/a.wav' }, mel)).toBeNull()
    expect(generateRequest({ ...s, melPath: '/d/a.wav' }, mel)).toMatchObject({ melPath: '/d/a.wav', speaker: 'p225' })
    expect(generateRequest({ ...s, melPath: '/d/a.wav' }, wavenet())).not.toHaveProperty('melPath')
  })

  it('sends the speaker only to a speaker-conditioned model', () => {
    const s = { ...defaultGenerateSettings(), modelId: 3, speaker: 'p226', seconds: 0.5, temperature: 0.9, seed: 4 }
    expect(generateRequest(s, wavenet())).toEqual({ modelId: 3, seconds: 0.5, temperature: 0.9, seed: 4, speaker: 'p226' })
    expect(generateRequest({ ...s, speaker: '' }, wavenet({ speakers: [] }))).toEqual({ modelId: 3, seconds: 0.5, temperature: 0.9, seed: 4 })
  })

  it('keeps a chosen speaker the new model has, else takes its first; only WaveNets with checkpoints generate', () => {
    expect(speakerFor(wavenet(), 'p227')).toBe('p227')
    expect(speakerFor(wavenet(), 'p999')).toBe('p225')
    expect(speakerFor(wavenet({ speakers: [] }), 'p225')).toBe('')
    expect(speakerFor(undefined, 'p225')).toBe('')
    expect(canGenerate(wavenet())).toBe(true)
    expect(canGenerate(wavenet({ kind: 'tagger/dieleman' }))).toBe(false)
    expect(canGenerate(wavenet({ runs: [run([])] }))).toBe(false)
  })
})
