/**
 * Training benchmark: the tagger's training throughput in clips per second at batch 16 x 59049
 * samples (the peer's shape): tfjs-layers' trainOnBatch on one thread, data-parallel training on
 * two threads (engine/train/data-parallel.ts), and the PyTorch peer in the same run; then, when the
 * MagnaTagATune training fixture exists (test/fixtures/mtat-train), the default `train-tagger`
 * preset on it with a 10-minute budget: the test macro ROC-AUC it reaches and the wall time.
 * Run: `npx tsx bench/training.ts` (prints one JSON object), or `npm run bench -- training`.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tf } from '../src-main/engine/tf'
import { initBackend } from '../src-main/engine/backend'
import { buildDieleman } from '../src-main/engine/models/dieleman'
import { DataParallel } from '../src-main/engine/train/data-parallel'
import { Library } from '../src-main/library/library'
import { importMtat } from '../src-main/datasets/mtat/import'
import { trainTagger } from '../src-main/api/training'
import { closeJobPool } from '../src-main/api/jobs'
import { peerStepMs } from './engine'

const BATCH = 16
const SAMPLES = 59049
const STEPS = 15
/** The training preset's budget in the target: test ROC-AUC >= 0.95 within 10 minutes. */
const PRESET_MINUTES = 10
const FIXTURE = fileURLToPath(new URL('../test/fixtures/mtat-train/dataset', import.meta.url))

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const round = (v: number): number => Math.round(v * 100) / 100

/** Median ms per step of `step` over STEPS runs after two warm-ups. */
async function stepMs(step: () => unknown): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < STEPS + 2; i++) {
    const t0 = performance.now()
    await step()
    if (i >= 2) times.push(performance.now() - t0)
  }
  return median(times)
}

/** Runs every training figure; keys end in Ms, ClipsPerSecond or a ratio. */
export async function benchTraining(opts: { peers?: boolean; preset?: boolean } = {}): Promise<Record<string, number>> {
  const backend = (await initBackend()).name
  const out: Record<string, number> = {}
  const x = tf.randomNormal([BATCH, SAMPLES, 1], 0, 0.1, 'float32', 4)
  const y = tf.cast(tf.greater(tf.randomUniform([BATCH, 50], 0, 1, 'float32', 5), 0.8), 'float32')
  const compiled = () => {
    const m = buildDieleman({ samples: SAMPLES, seed: 3 })
    m.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' })
    return m
  }
  const single = compiled()
  out.taggerLayersStepMs = round(await stepMs(() => single.trainOnBatch(x, y)))
  single.dispose()
  out.taggerLayersClipsPerSecond = round((BATCH * 1000) / out.taggerLayersStepMs)
  if (backend === 'wasm' || backend === 'cpu') {
    const threads = Math.max(2, Math.min(availableParallelism(), 4))
    const m = compiled()
    const dp = await DataParallel.start(m, { threads, maxBatch: BATCH, loss: 'binaryCrossentropy', backend })
    const xs = x.dataSync() as Float32Array
    const ys = y.dataSync() as Float32Array
    out.taggerParallelThreads = threads
    out.taggerParallelStepMs = round(await stepMs(() => dp.step(xs, ys, BATCH)))
    out.taggerParallelClipsPerSecond = round((BATCH * 1000) / out.taggerParallelStepMs)
    await dp.close()
    m.dispose()
  }
  tf.dispose([x, y])
  out.taggerClipsPerSecond = Math.max(out.taggerLayersClipsPerSecond, out.taggerParallelClipsPerSecond ?? 0)
  const peer = opts.peers === false ? undefined : peerStepMs()
  if (peer !== undefined) {
    out.peerTaggerClipsPerSecond = round((BATCH * 1000) / peer)
    out.peerOverOursClipsPerSecond = round(out.peerTaggerClipsPerSecond / out.taggerClipsPerSecond)
  }
  if (opts.preset !== false && existsSync(join(FIXTURE, 'annotations_final.csv'))) Object.assign(out, await presetOnFixture())
  return out
}

/** The default preset on the training fixture, standard split, 10-minute budget: test ROC-AUC and wall time. */
async function presetOnFixture(): Promise<Record<string, number>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'eb-bench-train-'))
  try {
    const lib = Library.open(dataDir)
    const { datasetId } = importMtat(lib, FIXTURE)
    lib.close()
    const t0 = performance.now()
    const r = await trainTagger({ datasetId, dataDir, maxMinutes: PRESET_MINUTES })
    return {
      presetWallMs: Math.round(performance.now() - t0),
      presetEpochs: r.epochs,
      presetTestRocAuc: r.testRocAuc ?? Number.NaN,
      presetTestPrAuc: r.testPrAuc ?? Number.NaN,
      presetValRocAuc: r.valRocAuc ?? Number.NaN,
      presetClipsPerSecond: round(r.clipsPerSecond),
      presetThreads: r.threads
    }
  } finally {
    await closeJobPool()
    await rm(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(JSON.stringify(await benchTraining({ preset: !process.argv.includes('--no-preset') })) + '\n')
}
