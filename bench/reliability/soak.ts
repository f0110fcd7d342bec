/**
 * The soak of the reliability section (issue 18, part 3): renders back to back in one process and
 * epochs of a tiny tagger, with the process's RSS and TensorFlow.js's live tensor count sampled
 * after each, and a flatness verdict per curve.
 *
 * Renders run twice over: through the render service (the job pool's worker thread lives in this
 * process, so RSS counts its engine and wasm heap), and through the same `stylize` engine in this
 * thread, where tf.memory() can see the tensors a render leaves behind (a worker's are its own).
 *
 *   npx tsx bench/reliability/soak.ts [--seed N] [--scale ci|full] [--svg docs/reliability-soak.svg]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { ApiEvents } from '../../src-preload/api'
import { closeJobPool } from '../../src-main/api/jobs'
import { createServices } from '../../src-main/api/services'
import { initBackend } from '../../src-main/engine/backend'
import { buildDieleman } from '../../src-main/engine/models/dieleman'
import { stylizeJob } from '../../src-main/engine/style/job'
import type { StylizeOptions } from '../../src-main/engine/style/types'
import { tf } from '../../src-main/engine/tf'
import { saveCheckpoint } from '../../src-main/engine/train/checkpoint'
import { initialTrainState, train, type BatchSource } from '../../src-main/engine/train/loop'
import { compileTagger, evaluateTagger, type EvalClip } from '../../src-main/engine/train/tagger'
import type { JobContext } from '../../src-main/jobs/job-context'
import { createRng } from '../../src-main/util/random'
import { writeFileAtomic } from '../../src-main/util/atomic-write'
import { soakSvg } from './soak-svg'

/** A curve's verdict: least-squares slope of its second half, the growth it projects, and the rule applied. */
export interface Flatness {
  /** Units per step (MB or tensors), fitted to the second half (the first is warm-up). */
  slope: number
  /** slope x the run's steps: what the curve would gain over a run this long. */
  projectedGrowth: number
  /** The growth allowed. */
  limit: number
  flat: boolean
  rule: string
}

/** One soak curve: a sample after each step. */
export interface Curve {
  values: number[]
  flatness: Flatness
}

/** What the soak reports. */
export interface SoakResult {
  renders: { count: number; method: string; rssMb: Curve; engineRssMb: Curve; engineTensors: Curve; failed: number }
  training: { epochs: number; rssMb: Curve; tensors: Curve }
  /** Curves judged not flat (each is a leak to find). */
  leaks: number
  details: string[]
}

/** Soak options: seed (render seeds and training data), scale (ci: 10 renders, 6 epochs; full: 100 and 20), log sink. */
export interface SoakOptions {
  seed: number
  scale: 'ci' | 'full'
  log: (line: string) => void
}

const SIZES = { ci: { renders: 10, epochs: 6 }, full: { renders: 100, epochs: 20 } } as const

// The gram method with 3 iterations on the speech pair: ~0.4 s a render on this machine, and it runs
// the whole path (decode, resample, STFT, a TensorFlow.js optimisation, Griffin-Lim, measures, write).
const RENDER_OPTIONS: StylizeOptions = { method: 'gram', iterations: 3, filters: 32 }
const examples = fileURLToPath(new URL('../../resources/examples/', import.meta.url))
const CONTENT = join(examples, 'content-voice.wav')
const STYLE = join(examples, 'style-voice.wav')

/** RSS of this process (all its threads) in MB. */
const rssMb = (): number => process.memoryUsage().rss / 2 ** 20

/**
 * RSS rule: a curve is flat when its second-half slope, carried over the whole run, adds less than
 * 32 MB or 5% of its median, whichever is larger: the garbage collector and the allocator move RSS
 * by tens of MB between samples, while a leak of one render's output (0.1 MB) per render over 100
 * renders, or of one batch per epoch, crosses it.
 */
export function rssFlatness(values: number[]): Flatness {
  const second = values.slice(Math.floor(values.length / 2))
  const slope = fitSlope(second)
  const median = [...second].sort((a, b) => a - b)[Math.floor(second.length / 2)] ?? 0
  const limit = Math.max(32, 0.05 * median)
  const projectedGrowth = slope * values.length
  return { slope, projectedGrowth, limit, flat: projectedGrowth < limit, rule: 'second-half slope x steps < max(32 MB, 5% of median)' }
}

/**
 * Tensor rule: counts are exact, so a flat curve holds one value over its second half (the first
 * half may build caches: a model's predict function, an optimizer's slots); one more tensor per
 * step there is a leak.
 */
export function tensorFlatness(values: number[]): Flatness {
  const second = values.slice(Math.floor(values.length / 2))
  const slope = fitSlope(second)
  const spread = Math.max(...second) - Math.min(...second)
  return { slope, projectedGrowth: slope * values.length, limit: 0, flat: spread === 0, rule: 'second half constant (tensor counts are exact)' }
}

/** Least-squares slope of `ys` over their index (0 for fewer than two points). */
export function fitSlope(ys: number[]): number {
  const n = ys.length
  if (n < 2) return 0
  const mx = (n - 1) / 2
  const my = ys.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  ys.forEach((y, i) => {
    num += (i - mx) * (y - my)
    den += (i - mx) ** 2
  })
  return num / den
}

/** A JobContext for running an engine in this thread (no worker: nothing to cancel, progress dropped). */
function inlineContext(backend: string): JobContext {
  return { progress() {}, signal: new AbortController().signal, isCancelled: () => false, throwIfCancelled() {}, backend }
}

/** Renders through the render service of a scratch data folder; RSS after each finished job. */
async function serviceRenders(count: number, seed: number, log: (l: string) => void): Promise<{ rss: number[]; failed: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'eb-soak-'))
  const services = await createServices({ dataDir: join(dir, 'data'), examplesDir: examples, platform: 'web', version: 'soak' })
  const rss: number[] = []
  let failed = 0
  try {
    for (let i = 0; i < count; i++) {
      let resolveEnd: (e: ApiEvents['jobFinished']) => void = () => {}
      const ended = new Promise<ApiEvents['jobFinished']>((r) => (resolveEnd = r))
      let jobId = ''
      const early: ApiEvents['jobFinished'][] = []
      const off = services.events.on((event, payload) => {
        if (event !== 'jobFinished') return
        const e = payload as ApiEvents['jobFinished']
        if (e.jobId === jobId) resolveEnd(e)
        else early.push(e)
      })
      jobId = (await services.handlers.startRender({ contentPath: CONTENT, stylePath: STYLE, options: { ...RENDER_OPTIONS, seed: seed + i } })).jobId
      const already = early.find((e) => e.jobId === jobId)
      if (already) resolveEnd(already)
      const end = await ended
      off()
      if (end.status !== 'done') {
        failed++
        log(`soak: render ${i + 1} ${end.status}${end.status === 'failed' ? `: ${end.error}` : ''}`)
      }
      rss.push(rssMb())
    }
  } finally {
    await services.close()
    await closeJobPool()
    await rm(dir, { recursive: true, force: true })
  }
  return { rss, failed }
}

/** The stylize engine in this thread: live tensors and RSS after each render. */
async function engineRenders(count: number, seed: number): Promise<{ rss: number[]; tensors: number[] }> {
  const backend = (await initBackend('wasm')).name
  const ctx = inlineContext(backend)
  const rss: number[] = []
  const tensors: number[] = []
  for (let i = 0; i < count; i++) {
    await stylizeJob({ contentPath: CONTENT, stylePath: STYLE, options: { ...RENDER_OPTIONS, seed: seed + i } }, ctx)
    tensors.push(tf.memory().numTensors)
    rss.push(rssMb())
  }
  return { rss, tensors }
}

const CROP = 512
const TAGS = 3
const BATCH = 4
const CLIPS = 16

/**
 * A tiny Dieleman tagger trained on seeded noise as the training job drives one: validation
 * (evaluateTagger) and a checkpoint with optimizer state each epoch; samples at each epoch's end.
 */
async function trainingEpochs(epochs: number, seed: number): Promise<{ rss: number[]; tensors: number[] }> {
  await initBackend('wasm')
  const rng = createRng(seed)
  const noise = (n: number): Float32Array => Float32Array.from({ length: n }, () => 0.3 * rng.normal())
  const labels = (i: number): Float32Array => Float32Array.from({ length: TAGS }, (_, t) => ((i + t) % 3 === 0 ? 1 : 0))
  const model = buildDieleman({ samples: CROP, frameLength: 8, frameFilters: 4, blockFilters: 4, blockTaps: 3, pool: 2, hidden: 8, tags: TAGS, seed })
  compileTagger(model, 1e-2)
  const data: BatchSource = {
    batchesPerEpoch: CLIPS / BATCH,
    async *epoch() {
      for (let b = 0; b < CLIPS / BATCH; b++) {
        const y = new Float32Array(BATCH * TAGS)
        for (let k = 0; k < BATCH; k++) y.set(labels(b * BATCH + k), k * TAGS)
        yield { x: tf.tensor3d(noise(BATCH * CROP), [BATCH, CROP, 1]), y: tf.tensor2d(y, [BATCH, TAGS]), size: BATCH }
      }
    }
  }
  const valid: EvalClip[] = Array.from({ length: 6 }, (_, i) => {
    const audio = noise(CROP + 100 * i)
    return { labels: Uint8Array.from(labels(i)), audio: async () => audio }
  })
  const dir = await mkdtemp(join(tmpdir(), 'eb-soak-train-'))
  const rss: number[] = []
  const tensors: number[] = []
  try {
    await train({
      model,
      data,
      epochs,
      state: initialTrainState(seed),
      validate: async (m) => ({ valRocAuc: (await evaluateTagger(m, valid, { tags: ['a', 'b', 'c'], crop: CROP })).macroRocAuc ?? Number.NaN }),
      checkpoint: async (m, end) => {
        await saveCheckpoint(m, join(dir, `epoch-${end.epoch}`), { arch: 'tagger/dieleman', modelOptions: {}, extra: {}, state: end.state })
      },
      onEpochEnd: () => {
        tensors.push(tf.memory().numTensors)
        rss.push(rssMb())
      }
    })
  } finally {
    model.dispose()
    await rm(dir, { recursive: true, force: true })
  }
  return { rss, tensors }
}

/** Runs the soak: renders through the service, renders through the engine in-thread, training epochs. */
export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const size = SIZES[opts.scale]
  const details: string[] = []
  opts.log(`soak: ${size.renders} renders through the render service (${RENDER_OPTIONS.method}, ${RENDER_OPTIONS.iterations} iterations)`)
  const service = await serviceRenders(size.renders, opts.seed, opts.log)
  opts.log(`soak: ${size.renders} renders through the stylize engine in this thread`)
  const engine = await engineRenders(size.renders, opts.seed)
  opts.log(`soak: ${size.epochs} training epochs of a tiny tagger`)
  const training = await trainingEpochs(size.epochs, opts.seed)
  const curve = (values: number[], judge: (v: number[]) => Flatness, name: string): Curve => {
    const flatness = judge(values)
    if (!flatness.flat) details.push(`LEAK ${name}: slope ${flatness.slope.toFixed(3)}/step, ${flatness.projectedGrowth.toFixed(1)} over the run (limit ${flatness.limit.toFixed(1)})`)
    return { values: values.map((v) => Math.round(v * 10) / 10), flatness }
  }
  const result: SoakResult = {
    renders: {
      count: size.renders,
      method: RENDER_OPTIONS.method!,
      rssMb: curve(service.rss, rssFlatness, 'render service RSS'),
      engineRssMb: curve(engine.rss, rssFlatness, 'engine renders RSS'),
      engineTensors: curve(engine.tensors, tensorFlatness, 'engine renders tensors'),
      failed: service.failed
    },
    training: { epochs: size.epochs, rssMb: curve(training.rss, rssFlatness, 'training RSS'), tensors: curve(training.tensors, tensorFlatness, 'training tensors') },
    leaks: details.length,
    details
  }
  for (const d of details) opts.log(d)
  return result
}

async function cli(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '18' }, scale: { type: 'string', default: 'ci' }, svg: { type: 'string' } } })
  const scale = values.scale === 'full' ? 'full' : 'ci'
  const r = await runSoak({ seed: Number(values.seed), scale, log: (l) => process.stderr.write(l + '\n') })
  process.stdout.write(JSON.stringify(r, null, 2) + '\n')
  if (values.svg !== undefined) {
    const caption = `npx tsx bench/reliability/soak.ts --seed ${values.seed} --scale ${scale} (${new Date().toISOString().slice(0, 10)}); dashed: least-squares slope of the second half`
    await writeFileAtomic(values.svg, soakSvg(r, caption))
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await cli()
