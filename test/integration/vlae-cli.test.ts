/**
 * The audio VLAE from the CLI on the VCTK fixture (12 espeak-ng clips of 4 speakers) at 8 kHz, kept
 * tiny (crops of 512 samples, 4 latents, 2 epochs): the --json figures (ELBO per clip and per
 * sample, KL, KL per latent), the per-epoch metrics with kl_0..kl_3 in run_metrics, a resume
 * continuing the run, and refusals in one line with the library unchanged: a checkpoint whose
 * layers are another configuration's, another --latents on resume, a dataset that is not speech,
 * an MNIST-only flag.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Library } from '../../src-main/library/library'
import { withLibrary } from '../../src-main/api/library'
import { saveCheckpoint } from '../../src-main/engine/train/checkpoint'
import { initialTrainState } from '../../src-main/engine/train/loop'
import { buildVlaeForTraining, vlaeOptions } from '../../src-main/engine/models/vae/vlae'
import { initBackend } from '../../src-main/engine/backend'
import { cliOn } from '../unit/cli/run-cli'
import { expectRefusedUnchanged } from './refused'

let root: string
let dataDir: string
const cli = cliOn(() => dataDir)
const withLib = <T>(fn: (lib: Library) => T): Promise<T> => withLibrary(dataDir, fn)

const expectRefused = (args: string[], message: RegExp, usage = false): Promise<void> => expectRefusedUnchanged(cli, dataDir, args, message, usage)

const TINY = ['--preset', 'vlae', '--crop', '512', '--sample-rate', '8000', '--latents', '4', '--batch', '8', '--lr', '0.003']

let trained: Record<string, unknown>

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-vlae-cli-'))
  dataDir = join(root, 'data')
  expect((await cli('import-vctk', resolve('test/fixtures/vctk/v080'))).code).toBe(0)
  // Dataset 2: not speech.
  expect((await cli('import-glove', resolve('test/fixtures/glove/glove.fixture.8d.txt'))).code).toBe(0)
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('train-vae --preset vlae through the CLI', () => {
  it('trains: the --json figures and the per-epoch metrics with the KL of each latent', async () => {
    const r = await cli('train-vae', '--dataset', '1', ...TINY, '--free-bits', '0.5', '--epochs', '2', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    trained = r.json
    expect(trained).toMatchObject({ runId: 1, modelId: 1, latents: 4, crop: 512, sampleRate: 8000, freeBits: 0.5, epochs: 2, reason: 'epochs' })
    const elbo = trained.testElbo as number
    // 256 mu-law levels: log 256 = 5.55 nats per sample is a uniform guess; a trained decoder does better.
    expect(elbo).toBeLessThan(0)
    expect(-elbo / 512).toBeLessThan(Math.log(256))
    expect(trained.testElboPerSample).toBeCloseTo(elbo / 512, 6)
    const klDims = trained.klDims as number[]
    expect(klDims).toHaveLength(4)
    expect(trained.kl).toBeCloseTo(klDims.reduce((a, b) => a + b, 0), 6)
    await withLib((lib) => {
      expect(lib.runs.get(1)).toMatchObject({ status: 'completed', error: null, modelId: 1 })
      expect(lib.models.get(1)!.kind).toBe('vae/vlae')
      for (const name of ['testElbo', 'testElboPerSample', 'testKl', 'testReconstruction', 'trainElbo', 'trainKl', 'kl_0', 'kl_1', 'kl_2', 'kl_3']) expect(lib.runs.metrics(1, name), name).toHaveLength(2)
      const kl = lib.runs.metrics(1, 'testKl').map((m) => m.value)
      const dims = [0, 1, 2, 3].map((j) => lib.runs.metrics(1, `kl_${j}`).map((m) => m.value))
      kl.forEach((v, e) => expect(v).toBeCloseTo(dims.reduce((a, d) => a + d[e]!, 0), 4))
      expect(lib.checkpoints.list({ runId: 1 })).toHaveLength(2)
    })
  })

  it('--resume continues the run (steps go on) and refuses another --latents', async () => {
    const r = await cli('train-vae', '--dataset', '1', '--preset', 'vlae', '--resume', String(trained.checkpointId), '--epochs', '3', '--batch', '8', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json).toMatchObject({ modelId: 1, runId: 2, epochs: 3, latents: 4, crop: 512, sampleRate: 8000 })
    expect(r.json.steps as number).toBeGreaterThan(trained.steps as number)
    await expectRefused(['train-vae', '--dataset', '1', '--preset', 'vlae', '--resume', String(trained.checkpointId), '--latents', '8', '--epochs', '9'], /^error: --latents 8: the checkpoint has 4; a resumed run keeps its model's shape$/)
  })

  it('refuses a decoder checkpoint of another configuration on --resume', async () => {
    await initBackend('wasm')
    const other = join(root, 'other-checkpoint')
    const asked = vlaeOptions({ crop: 512, latents: 4 })
    // Layers of a 2 x 3 decoder under the description of the 2 x 4 one.
    const model = buildVlaeForTraining({ ...asked, layersPerStack: 3 }, 1e-3)
    await saveCheckpoint(model, other, { arch: 'vae/vlae', modelOptions: { ...asked }, extra: { spec: { options: asked, sampleRate: 8000 } }, state: initialTrainState(1) })
    model.dispose()
    await expectRefused(['train-vae', '--dataset', '1', '--preset', 'vlae', '--resume', other, '--epochs', '2'], /^error: --resume .*other-checkpoint: its layers are not those of VLAE 4 latents, crop 512, .*decoder WaveNet 2x4/)
  })

  it('refuses bad input in one line, the library unchanged', async () => {
    await expectRefused(['train-vae', '--dataset', '2', ...TINY], /^error: dataset 2: a glove dataset; the audio VLAE trains on VCTK-format imports \(import-vctk\)$/)
    // TINY with its crop replaced (a single-valued flag given twice is refused before anything else).
    const longCrop = TINY.map((a, i) => (TINY[i - 1] === '--crop' ? '100000' : a))
    await expectRefused(['train-vae', '--dataset', '1', ...longCrop], /^error: dataset 1: 0 clips are at least 100000 samples long after trimming; training needs two \(use a shorter --crop\)$/)
    await expectRefused(['train-vae', '--dataset', '1', ...TINY, '--hidden', '40'], /^error: --hidden: the mnist preset's; the vlae preset does not take it$/, true)
    await expectRefused(['train-vae', '--dataset', '1', '--free-bits', '1'], /^error: --free-bits: the vlae preset's; the mnist preset does not take it$/, true)
    await expectRefused(['train-vae', '--dataset', '1', ...TINY, '--free-bits=-1'], /^error: free bits: -1 is not a number of nats in 0\.\.100$/)
  })
})
