/**
 * Tensor leaks of the checkpoint loaders (as latent-jobs.test.ts checks the VLAE's): a checkpoint
 * written as training writes it, with Adam's state after a step (its step scalars and a moment pair
 * per weight), is loaded again and again through each door that loads one — the tagger's (style and
 * fooling, tag, export), the WaveNet's (style, generate, export) and the MNIST VAE's (pictures) — and
 * tf.memory().numTensors stays flat. A model restored compiled keeps an optimizer model.dispose()
 * does not free (tfjs-layers frees only an optimizer it made by name).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeWav } from '../../../src-main/audio/wav'
import { vaePicturePng } from '../../../src-main/api/vae-pictures'
import { initBackend } from '../../../src-main/engine/backend'
import { buildDieleman } from '../../../src-main/engine/models/dieleman'
import { disposeModel, loadModel, type LayersModel } from '../../../src-main/engine/models/model-files'
import { buildMlpVaeForTraining } from '../../../src-main/engine/models/vae/mlp'
import { saveCheckpoint } from '../../../src-main/engine/train/checkpoint'
import { initialTrainState } from '../../../src-main/engine/train/loop'
import { compileTagger, type TaggerSpec } from '../../../src-main/engine/train/tagger'
import { VAE_ARCH, type VaeSpec } from '../../../src-main/engine/train/vae'
import { buildWavenetModel, wavenetSize, wavenetSpec } from '../../../src-main/engine/train/wavenet'
import { tf } from '../../../src-main/engine/tf'
import { generateWavenetJob } from '../../../src-main/jobs/generate-wavenet-job'
import type { JobContext } from '../../../src-main/jobs/job-context'
import { loadTagger } from '../../../src-main/jobs/load-tagger'
import { loadStyleWavenet } from '../../../src-main/jobs/load-wavenet'
import { exportModelJob, tagAudioJob } from '../../../src-main/jobs/model-jobs'
import { resolveVaeModel } from '../../../src-main/jobs/vae-model'
import { Library } from '../../../src-main/library/library'

const RATE = 8000
const CROP = 512
const ctx: JobContext = { progress: () => {}, signal: new AbortController().signal, isCancelled: () => false, throwIfCancelled: () => {}, backend: 'wasm' }

let root: string
let dataDir: string
let clip: string
const ids = { tagger: 0, wavenet: 0, vae: 0 }

/** One Adam step on the sum of squared weights: the optimizer then holds a moment pair per weight, as after training. */
function step(model: LayersModel): void {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  model.optimizer.minimize(() => tf.addN(vars.map((v) => tf.sum(tf.square(v)))) as tf.Scalar, false, vars)
}

/** Saves `model` (after a step) as a checkpoint of a new model of `kind` in the library; returns the model id. */
async function record(model: LayersModel, kind: string, spec: object): Promise<number> {
  step(model)
  const lib = Library.open(dataDir)
  try {
    const modelId = lib.models.create({ name: kind, kind, config: {} })
    const runId = lib.runs.create({ modelId })
    const dir = join(dataDir, 'checkpoints', `run-${runId}`, 'epoch-001')
    await saveCheckpoint(model, dir, { arch: kind, modelOptions: {}, extra: { spec }, state: initialTrainState(1) })
    lib.checkpoints.add({ runId, path: dir, step: 1 })
    return modelId
  } finally {
    disposeModel(model)
    lib.close()
  }
}

beforeAll(async () => {
  await initBackend('wasm')
  root = mkdtempSync(join(tmpdir(), 'eb-loader-leaks-'))
  dataDir = join(root, 'data')
  const taggerOptions = { frameLength: 8, frameFilters: 4, blockFilters: 4, blockTaps: 3, pool: 2, hidden: 8, seed: 4 }
  const tagger = buildDieleman({ ...taggerOptions, samples: CROP, tags: 3 })
  compileTagger(tagger, 1e-2)
  const taggerSpec: TaggerSpec = { arch: 'dieleman', tags: ['a', 'b', 'c'], sampleRate: RATE, crop: CROP, options: taggerOptions }
  ids.tagger = await record(tagger, 'tagger/dieleman', taggerSpec)
  const wavenetSpecOf = wavenetSpec({ ...wavenetSize(1, 3, 4), quantization: 16 }, [], RATE, 12)
  ids.wavenet = await record(buildWavenetModel(wavenetSpecOf, 1e-3), 'wavenet/mulaw', wavenetSpecOf)
  const vaeSpec: VaeSpec = { options: { inputs: 16, hidden: 8, latents: 2, observation: 'bernoulli', prior: 'standard-normal' }, rows: 4, cols: 4 }
  ids.vae = await record(buildMlpVaeForTraining(vaeSpec.options, 1e-3), VAE_ARCH, vaeSpec)
  clip = join(root, 'clip.wav')
  await writeWav(clip, [Float32Array.from({ length: 2 * CROP }, (_, i) => 0.3 * Math.sin(i / 5))], RATE, { float: true })
}, 60_000)
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Runs `load` once (first-call caches), then three times more: the tensor count must not move. */
async function expectFlat(load: (i: number) => Promise<unknown>): Promise<void> {
  await load(0)
  const before = tf.memory().numTensors
  for (let i = 1; i <= 3; i++) await load(i)
  expect(tf.memory().numTensors).toBe(before)
}

describe('checkpoint loaders leave tf.memory().numTensors flat over repeated loads', () => {
  it('the tagger for the style and fooling methods (loadTagger; the caller disposes the model)', async () => {
    await expectFlat(async () => (await loadTagger({ dataDir, modelId: ids.tagger })).model.dispose())
  })

  it('the tagger of the tag and export jobs', async () => {
    await expectFlat(() => tagAudioJob({ dataDir, modelId: ids.tagger, path: clip, top: 2 }, ctx))
    await expectFlat((i) => exportModelJob({ dataDir, modelId: ids.tagger, out: join(root, `tagger-export-${i}`) }, ctx))
  })

  it('the WaveNet for the style method (loadStyleWavenet; the caller disposes the model)', async () => {
    await expectFlat(async () => (await loadStyleWavenet({ dataDir, modelId: ids.wavenet })).model.dispose())
  })

  it('the WaveNet of the generate and export jobs', async () => {
    await expectFlat((i) => generateWavenetJob({ dataDir, modelId: ids.wavenet, outs: [join(root, `gen-${i}.wav`)], seconds: 0.005, temperature: 1, seed: i, naive: false }, ctx))
    await expectFlat((i) => exportModelJob({ dataDir, modelId: ids.wavenet, out: join(root, `wavenet-export-${i}`) }, ctx))
  })

  it("the MNIST VAE of the pictures (samples and map)", async () => {
    await expectFlat(() => vaePicturePng({ modelId: ids.vae, kind: 'samples', n: 2, dataDir }))
    await expectFlat(() => vaePicturePng({ modelId: ids.vae, kind: 'map', n: 2, dataDir }))
  })
})

describe('inference loads', () => {
  it('carry no optimizer: Adam state (twice the weights) is never made for tagging, styling, generating or pictures', async () => {
    const tagger = await loadTagger({ dataDir, modelId: ids.tagger })
    const wavenet = await loadStyleWavenet({ dataDir, modelId: ids.wavenet })
    const lib = Library.open(dataDir)
    const vae = await resolveVaeModel(lib, ids.vae).finally(() => lib.close())
    for (const model of [tagger.model, wavenet.model, vae.model]) {
      expect(model.optimizer ?? null).toBeNull()
      model.dispose()
    }
    // The resume door still restores the optimizer's state.
    const resumed = await loadModel(join(dataDir, 'checkpoints', 'run-1', 'epoch-001'))
    expect(resumed.optimizer).toBeTruthy()
    expect(resumed.optimizer.getConfig()).toMatchObject({ learningRate: 1e-2 })
    disposeModel(resumed)
  })
})

describe('disposeModel', () => {
  it('frees a compiled model and the optimizer it was given, which model.dispose() leaves', () => {
    const before = tf.memory().numTensors
    const kept = buildMlpVaeForTraining({ inputs: 16, hidden: 8, latents: 2, observation: 'bernoulli', prior: 'standard-normal' }, 1e-3)
    step(kept)
    kept.dispose()
    // Adam's two step scalars and a moment pair for each of the 8 weights stay behind.
    expect(tf.memory().numTensors - before).toBe(2 + 2 * 8)
    const after = tf.memory().numTensors
    const freed = buildMlpVaeForTraining({ inputs: 16, hidden: 8, latents: 2, observation: 'bernoulli', prior: 'standard-normal' }, 1e-3)
    step(freed)
    disposeModel(freed)
    expect(tf.memory().numTensors).toBe(after)
  })
})
