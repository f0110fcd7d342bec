import { describe, expect, it } from 'vitest'
import type { TrainingDataset, VaeTrainingOutcome } from '../../../src-preload/api'
import { chartSeries, stepsPerEpoch } from '../../../src-renderer/src/lib/curves'
import {
  COLLAPSED_KL,
  PRESET_LATENTS,
  checkpointElbo,
  curveUnit,
  elboLabel,
  defaultVaeSettings,
  klBars,
  klByDim,
  runElbo,
  vaeChartCurves,
  vaeDatasets,
  vaeModelMeta,
  vaeSettingsProblem,
  vaeSummary,
  vaeTrainingRequest
} from '../../../src-renderer/src/lib/vae'

const curve = (steps: number[], values: number[]): { steps: Float32Array; values: Float32Array } => ({ steps: Float32Array.from(steps), values: Float32Array.from(values) })
const dataset = (id: number, kind: TrainingDataset['kind']): TrainingDataset => ({ id, name: `d${id}`, kind, clips: 10, tags: 0, speakers: [], importedAt: '' })

describe('VAE training fields', () => {
  it('starts at the MNIST preset with its 20 latents and the standard k = 5,000', () => {
    expect(defaultVaeSettings()).toMatchObject({ preset: 'mnist', latents: PRESET_LATENTS.mnist, iwaeK: 5000, datasetId: null })
    expect(PRESET_LATENTS).toEqual({ mnist: 20, vlae: 16 })
  })

  it('names the first problem in the panel words, with the host schema bounds', () => {
    const ok = { ...defaultVaeSettings(), datasetId: 3 }
    expect(vaeSettingsProblem(ok)).toBeNull()
    expect(vaeSettingsProblem({ ...ok, datasetId: null })).toMatch(/^Import MNIST first/)
    expect(vaeSettingsProblem({ ...ok, datasetId: null, preset: 'vlae' })).toMatch(/^Import a VCTK-format dataset first/)
    expect(vaeSettingsProblem({ ...ok, latents: 0 })).toBe('Latents: a whole number from 1 to 512')
    expect(vaeSettingsProblem({ ...ok, latents: 2.5 })).toBe('Latents: a whole number from 1 to 512')
    expect(vaeSettingsProblem({ ...ok, latents: 513 })).toBe('Latents: a whole number from 1 to 512')
    expect(vaeSettingsProblem({ ...ok, epochs: 0 })).toBe('Epochs: a whole number from 1 to 1000')
    expect(vaeSettingsProblem({ ...ok, maxMinutes: -1 })).toBe('Max minutes: empty, or up to a week')
    expect(vaeSettingsProblem({ ...ok, iwaeK: -1 })).toMatch(/^k: /)
    // k is the MNIST preset's: the VLAE fields do not show it, so it cannot block them.
    expect(vaeSettingsProblem({ ...ok, preset: 'vlae', iwaeK: -1 })).toBeNull()
  })

  it('builds the request: k only for MNIST, a time limit only when set', () => {
    const s = { ...defaultVaeSettings(), datasetId: 3, latents: 2, epochs: 4, iwaeK: 100 }
    expect(vaeTrainingRequest(s)).toEqual({ family: 'vae', preset: 'mnist', datasetId: 3, latents: 2, epochs: 4, iwaeK: 100 })
    expect(vaeTrainingRequest({ ...s, preset: 'vlae', maxMinutes: 5 })).toEqual({ family: 'vae', preset: 'vlae', datasetId: 3, latents: 2, epochs: 4, maxMinutes: 5 })
    expect(vaeTrainingRequest({ ...s, maxMinutes: 0 })).not.toHaveProperty('maxMinutes')
  })

  it('offers MNIST imports to the mnist preset and VCTK-format imports to the vlae preset', () => {
    const all = [dataset(1, 'mtat'), dataset(2, 'vctk'), dataset(3, 'mnist'), dataset(4, 'vctk')]
    expect(vaeDatasets('mnist', all).map((d) => d.id)).toEqual([3])
    expect(vaeDatasets('vlae', all).map((d) => d.id)).toEqual([2, 4])
  })
})

describe('VAE curves', () => {
  it('draws the negative train and test ELBO as the chart NLL series, epochs from the first epoch record', () => {
    const c = { loss: curve([1, 2, 3, 4], [200, 180, 170, 160]), trainElbo: curve([2, 4], [-190, -165]), testElbo: curve([2, 4], [-185, -162]), testKl: curve([2, 4], [10, 12]) }
    const mapped = vaeChartCurves(c, 'vae/mlp')
    expect(stepsPerEpoch(mapped)).toBe(2)
    const s = chartSeries(mapped, { stepsPerEpoch: stepsPerEpoch(mapped) })
    expect(s.x).toEqual([0.5, 1, 1.5, 2])
    expect(s.epochLoss).toEqual([null, 190, null, 165])
    expect(s.validNll).toEqual([null, 185, null, 162])
    expect(s.loss).toEqual([200, 180, 170, 160])
  })

  it('draws a VLAE per sample (its batch loss unit), not per clip', () => {
    const c = { loss: curve([1, 2], [4.5, 4.2]), trainElbo: curve([2], [-2200]), testElbo: curve([2], [-2300]), trainElboPerSample: curve([2], [-4.3]), testElboPerSample: curve([2], [-4.49]) }
    const s = chartSeries(vaeChartCurves(c, 'vae/vlae'), { stepsPerEpoch: 2 })
    expect(s.epochLoss[1]).toBeCloseTo(4.3, 5)
    expect(s.validNll[1]).toBeCloseTo(4.49, 5)
    expect(curveUnit('vae/vlae')).toBe('nats/sample')
    expect(curveUnit('vae/mlp')).toBe('nats/image')
  })

  it('describes a VAE in the model list, and a run by its newest checkpoint test ELBO', () => {
    expect(vaeModelMeta({ kind: 'vae/vlae', latents: 4 })).toBe('vae/vlae · 4 latents')
    expect(vaeModelMeta({ kind: 'vae/mlp', latents: 1 })).toBe('vae/mlp · 1 latent')
    expect(runElbo({ checkpoints: [{ metrics: { testElbo: -150 } }, { metrics: { testElbo: -200 } }] })).toBe(-150)
    expect(runElbo({ checkpoints: [] })).toBeNull()
    expect(checkpointElbo({ metrics: { epoch: 1 } })).toBeNull()
    expect(elboLabel(-209.243)).toBe('-209.2')
    expect(elboLabel(null)).toBe('—')
  })

  it('reads kl_0..kl_{L-1} in dimension order (kl_10 after kl_9), last epoch, and marks collapsed ones', () => {
    const c: Record<string, ReturnType<typeof curve>> = { loss: curve([1], [1]), testKl: curve([2], [5]) }
    for (let j = 0; j < 11; j++) c[`kl_${j}`] = curve([2, 4], [1, j === 3 || j === 10 ? COLLAPSED_KL / 2 : 0.1 * j + 0.5])
    const kl = klByDim(c)!
    expect(kl.last).toHaveLength(11)
    expect(kl.last[9]).toBeCloseTo(1.4, 6)
    expect(kl.collapsed).toEqual([3, 10])
    const bars = klBars(kl)
    expect(bars.x).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(bars.active[3]).toBeNull()
    expect(bars.collapsed[3]).toBeCloseTo(COLLAPSED_KL / 2, 8)
    expect(bars.collapsed[0]).toBeNull()
    expect(bars.active[0]).toBeCloseTo(0.5, 6)
  })

  it('has no KL bars for a run without per-dimension KL (the MNIST job)', () => {
    expect(klByDim({ loss: curve([1], [1]), testKl: curve([2], [3]) })).toBeNull()
  })
})

describe('VAE status line', () => {
  const base: VaeTrainingOutcome = {
    runId: 4,
    modelId: 2,
    checkpointId: 9,
    preset: 'mnist',
    model: '784-400-2, Bernoulli decoder, standard-normal prior',
    latents: 2,
    testElbo: -150.123,
    testKl: 5.5,
    testReconstruction: -144.6,
    testElboPerSample: null,
    klDims: [],
    testIwae: -146.5,
    k: 200,
    epochs: 1,
    steps: 80,
    reason: 'epochs',
    trainingSeconds: 3,
    examplesPerSecond: 2000
  }
  it('gives the test ELBO with its unit and the log p(x) estimate where measured', () => {
    expect(vaeSummary(base)).toBe('VAE trained: run 4, 1 epoch, test ELBO -150.12 nats per image (KL 5.50), log p(x) ≥ -146.50 (k = 200)')
  })
  it('gives a VLAE per clip, per sample, and how many latents carry information', () => {
    const v = { ...base, preset: 'vlae' as const, testIwae: null, k: null, epochs: 2, testElboPerSample: -3.01234, klDims: [0.5, 0.001, 1.2], reason: 'time' }
    expect(vaeSummary(v)).toBe('VAE trained: run 4, 2 epochs (stopped at the time limit), test ELBO -150.12 nats per clip (KL 5.50), -3.0123 per sample; 2 of 3 latents in use')
  })
})
