/**
 * The tagger's CLI path as a user walks it, on the small MTAT fixture (2 s clips, 2 epochs in a few
 * seconds): import-mtat, train-tagger (through the real CLI process), resume, evaluate, tag, export,
 * models; and each bad input refused in one stderr line with a non-zero exit, the library unchanged.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Library } from '../../src-main/library/library'
import { tf, tfl } from '../../src-main/engine/tf'
import { initBackend } from '../../src-main/engine/backend'
import { loadModel } from '../../src-main/engine/models/model-files'
import { readCheckpointMeta } from '../../src-main/engine/train/checkpoint'
import { predictSong, type TaggerSpec } from '../../src-main/engine/train/tagger'
import { loadMono } from '../../src-main/audio/load'
import { cliOn, lastJson, runCli } from '../unit/cli/run-cli'
import { exportThroughCli } from './exported'
import { fixture } from '../unit/audio/helpers'

/**
 * Worker and test process may run different backends and batch windows differently; both sum in
 * float32, so probabilities agree to ~1e-6. 1e-4 leaves room without hiding another checkpoint's.
 */
const PROB_TOL = 1e-4
/** The same batches through the same weights: equal up to float32 summation order across threads. */
const LOSS_TOL = 1e-5

const FIXTURE = resolve('test/fixtures/mtat/dataset')
const TOP = 5
const BATCH = 4

let root: string
let dataset: string
let dataDir: string
let splitFile: string

/** Usable clip ids of the fixture by split (9 has no audio): fast and slow clips in valid and test, so both tags have an AUC there. */
const SPLIT = { valid: [2, 3, 16, 17, 19], test: [4, 5, 21, 22, 23], train: [8, 11, 14, 25, 26, 27, 29, 32, 34, 36, 38, 39, 42] }

/** Runs the CLI in-process on the test's data directory; stdout as lines, and the --json object when asked for. */
const cli = cliOn(() => dataDir)

/** Every row of every table of the library. */
function snapshot(): Record<string, unknown[]> {
  const lib = Library.open(dataDir)
  try {
    return lib.snapshot()
  } finally {
    lib.close()
  }
}

/** Runs `fn` with the library open. */
function withLib<T>(fn: (lib: Library) => T): T {
  const lib = Library.open(dataDir)
  try {
    return fn(lib)
  } finally {
    lib.close()
  }
}

/** A bad command: exit 1, exactly one `error:` line on stderr matching `message`, nothing else there, library unchanged. */
async function expectRefused(args: string[], message: RegExp): Promise<void> {
  const before = snapshot()
  const r = await cli(...args)
  expect(r.code, r.errors.join('\n')).toBe(1)
  expect(r.errors).toHaveLength(1)
  expect(r.errors[0]).toMatch(/^error: /)
  expect(r.errors[0]).toMatch(message)
  expect(snapshot()).toEqual(before)
}

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

/** The first training run's --json line, and its checkpoints' folders. */
let trained: Record<string, unknown>

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-tagger-cli-'))
  dataset = join(root, 'dataset')
  cpSync(FIXTURE, dataset, { recursive: true })
  dataDir = join(root, 'data')
  splitFile = join(root, 'split.txt')
  writeFileSync(splitFile, Object.entries(SPLIT).flatMap(([s, ids]) => ids.map((id) => `${id} ${s}`)).join('\n') + '\n')
  expect((await cli('import-mtat', dataset)).code).toBe(0)
  await initBackend('wasm')
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('train-tagger through the CLI', () => {
  it('--json gives the run figures; the run, its curves and checkpoints are in the library', () => {
    const run = runCli('train-tagger', '--dataset', '1', '--split', splitFile, '--epochs', '2', '--top', String(TOP), '--batch', String(BATCH), '--seed', '7', '--data-dir', dataDir, '--json')
    expect(run.code, run.stderr).toBe(0)
    expect(run.errorLines).toEqual([])
    trained = lastJson(run.stdout)
    const clips = { train: SPLIT.train.length, valid: SPLIT.valid.length, test: SPLIT.test.length }
    expect(trained).toMatchObject({ runId: 1, modelId: 1, arch: 'dieleman', epochs: 2, reason: 'epochs', testSplit: 'test', clips, skipped: [] })
    const perEpoch = Math.ceil(clips.train / BATCH)
    expect(trained.steps).toBe(2 * perEpoch)
    for (const k of ['valRocAuc', 'testRocAuc', 'testPrAuc']) {
      expect(trained[k], k).toBeGreaterThanOrEqual(0)
      expect(trained[k], k).toBeLessThanOrEqual(1)
    }
    expect(trained.clipsPerSecond).toBeGreaterThan(0)
    expect(trained.tags).toHaveLength(TOP)

    withLib((lib) => {
      const r = lib.runs.get(1)!
      expect(r).toMatchObject({ modelId: 1, datasetId: 1, status: 'completed', error: null })
      expect(r.startedAt).not.toBeNull()
      expect(r.finishedAt).not.toBeNull()
      expect(lib.runs.metrics(1, 'loss').map((m) => m.step)).toEqual(Array.from({ length: 2 * perEpoch }, (_, i) => i + 1))
      // Validation figures once per epoch, at the epoch's last step (slow and fast have AUCs in valid).
      expect(lib.runs.metrics(1, 'valRocAuc').map((m) => m.step)).toEqual([perEpoch, 2 * perEpoch])
      expect(lib.runs.metrics(1, 'testRocAuc').map((m) => m.value)).toEqual([trained.testRocAuc])
      const cps = lib.checkpoints.list({ runId: 1 })
      expect(cps.map((c) => [c.step, c.metrics.epoch])).toEqual([
        [2 * perEpoch, 2],
        [perEpoch, 1]
      ])
      expect(cps.map((c) => c.id)).toContain(trained.checkpoint)
      for (const c of cps) {
        expect(c.sizeBytes).toBeGreaterThan(0)
        expect(readdirSync(c.path).sort()).toEqual(['model.json', 'weights.bin'])
        expect(c.metrics.valRocAuc).toBeGreaterThanOrEqual(0)
      }
    })
  })

  it('--resume from the epoch-1 checkpoint with --epochs 3 ends at epoch 3, its steps and loss curve continuing the checkpoint\'s', async () => {
    const first = withLib((lib) => lib.checkpoints.list({ runId: 1 }).find((c) => c.metrics.epoch === 1)!)
    // No --seed: the data order (and crops) are the checkpoint's run's (seed 7), not the default seed's.
    const r = await cli('train-tagger', '--dataset', '1', '--split', splitFile, '--epochs', '3', '--top', String(TOP), '--batch', String(BATCH), '--resume', String(first.id), '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json).toMatchObject({ runId: 2, modelId: 1, epochs: 3, steps: 3 * first.step })
    withLib((lib) => {
      const resumed = lib.runs.metrics(2, 'loss')
      expect(resumed.map((m) => m.step)).toEqual(Array.from({ length: 2 * first.step }, (_, i) => first.step + i + 1))
      // Epoch 2 again, from the same weights, optimizer state and batches: the same losses as the first run's.
      const again = lib.runs.metrics(1, 'loss').filter((m) => m.step > first.step)
      again.forEach((m, i) => expect(Math.abs(resumed[i]!.value - m.value), `step ${m.step}`).toBeLessThan(LOSS_TOL))
      expect(lib.checkpoints.list({ runId: 2 }).map((c) => [c.step, c.metrics.epoch])).toEqual([
        [3 * first.step, 3],
        [2 * first.step, 2]
      ])
      // The reported checkpoint is the best by validation ROC-AUC over this run and the resumed one up to it.
      const candidates = [...lib.checkpoints.list({ runId: 2 }), ...lib.checkpoints.list({ runId: 1 }).filter((c) => c.step <= first.step)]
      const score = (c: (typeof candidates)[number]): number => c.metrics.valRocAuc ?? -1
      const best = candidates.reduce((a, b) => (score(b) > score(a) || (score(b) === score(a) && b.step > a.step) ? b : a))
      expect(r.json.checkpoint).toBe(best.id)
    })
  })

  it('--resume with --epochs the checkpoint has already done is refused before anything is recorded', async () => {
    const first = withLib((lib) => lib.checkpoints.list({ runId: 1 }).find((c) => c.metrics.epoch === 1)!)
    await expectRefused(
      ['train-tagger', '--dataset', '1', '--split', splitFile, '--epochs', '1', '--top', String(TOP), '--resume', String(first.id)],
      /^error: --resume: the checkpoint has done 1 epoch already; ask for more with --epochs \(e\.g\. --epochs 11\)$/
    )
  })

  it('a clip that became a zero-byte file is skipped and listed, and the run still succeeds', async () => {
    const clip = withLib((lib) => lib.clips.list({ datasetId: 1 }).find((c) => c.sourceKey === String(SPLIT.train[0]))!)
    truncateSync(clip.path, 0)
    const r = await cli('train-tagger', '--dataset', '1', '--split', splitFile, '--epochs', '1', '--top', String(TOP), '--batch', String(BATCH))
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.stdout).toContain(`  skipped ${clip.path}: file is empty`)
    withLib((lib) => expect(lib.clips.list({ datasetId: 1, includeUnusable: true }).find((c) => c.id === clip.id)!.unusable).toBe('file is empty'))
  })
})

describe('the trained tagger through the CLI', () => {
  it('tag: the top K tags by probability, the checkpoint\'s own song-level prediction; decoder notes as note: lines', async () => {
    const file = join(dataset, 'd', readdirSync(join(dataset, 'd'))[0]!)
    const r = await cli('tag', file, '--model', '1', '--checkpoint', String(trained.checkpoint), '--top', '3', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    const tags = r.json.tags as { tag: string; probability: number }[]
    expect(tags).toHaveLength(3)
    expect(tags.map((t) => t.probability)).toEqual([...tags.map((t) => t.probability)].sort((a, b) => b - a))
    expect(r.json).toMatchObject({ modelId: 1, checkpointId: trained.checkpoint, windows: 1, notes: [] })

    const cp = withLib((lib) => lib.checkpoints.get(trained.checkpoint as number)!)
    const spec = (await readCheckpointMeta(cp.path)).extra.spec as TaggerSpec
    const model = await loadModel(cp.path)
    const probs = predictSong(model, await loadMono(file, spec.sampleRate), spec.crop)
    model.dispose()
    const expected = spec.tags.map((tag, i) => ({ tag, probability: probs[i]! })).sort((a, b) => b.probability - a.probability).slice(0, 3)
    expect(tags.map((t) => t.tag)).toEqual(expected.map((t) => t.tag))
    tags.forEach((t, i) => expect(Math.abs(t.probability - expected[i]!.probability)).toBeLessThan(PROB_TOL))

    const human = await cli('tag', fixture('float-nonfinite.wav'), '--top', '2')
    expect(human.code, human.errors.join('\n')).toBe(0)
    expect(human.stdout[0]).toMatch(/^note: .*float-nonfinite\.wav: /)
    expect(human.stdout[1]).toMatch(/float-nonfinite\.wav: \d+\.\d s, mean of 1 window; model 2, checkpoint \d+$/) // the newest tagger
    expect(human.stdout.slice(2)).toHaveLength(2)
    human.stdout.slice(2).forEach((l, i) => expect(l).toMatch(new RegExp(`^ {2}${i + 1} {2}\\S.* {2}[01]\\.\\d{3}$`)))
  })

  it('evaluate: macro and per-tag figures on the test part of the split it trained on, equal to the run\'s test figures; the table and the left-out tags', async () => {
    // Trained on the split file: the standard split's test part (folders d-f: 2 clips) would be other clips.
    const r = await cli('evaluate', '--model', '1', '--checkpoint', String(trained.checkpoint), '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json).toMatchObject({ modelId: 1, checkpointId: trained.checkpoint, split: 'test', clips: SPLIT.test.length })
    expect(Math.abs((r.json.macroRocAuc as number) - (trained.testRocAuc as number))).toBeLessThan(1e-9)
    const perTag = r.json.perTag as { tag: string; positives: number }[]
    const leftOut = r.json.leftOut as { tag: string; reason: string }[]
    expect(perTag.length + leftOut.length).toBe(TOP)

    const human = await cli('evaluate', '--model', '1', '--checkpoint', String(trained.checkpoint), '--split', 'valid', '--split-choice', splitFile)
    expect(human.code, human.errors.join('\n')).toBe(0)
    expect(human.stdout[0]).toBe(`model 1, checkpoint ${trained.checkpoint}, valid split: ${SPLIT.valid.length} clips`)
    expect(human.stdout[1]).toMatch(/^tag +positives {2}ROC-AUC {2}PR-AUC$/)
    expect(human.stdout.some((l) => /^fast +2 {2}\d\.\d{4} {3}\d\.\d{4}$/.test(l))).toBe(true)
    expect(human.stdout.some((l) => /^macro +\d+ tags/.test(l))).toBe(true)
  })

  it('export: model.json + weights.bin that plain tf.loadLayersModel loads with the checkpoint\'s outputs; the Keras command', async () => {
    const out = join(root, 'exported')
    const r = { json: await exportThroughCli(cli, 1, out) }
    expect(r.json.bytes).toBeGreaterThan(0)

    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'))
    const weights = readFileSync(join(out, 'weights.bin'))
    const plain = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) })
    )
    const cp = await loadModel(withLib((lib) => lib.checkpoints.get(r.json.checkpointId as number)!.path))
    const samples = plain.inputs[0]!.shape[1] as number
    const x = tf.randomNormal([2, samples, 1], 0, 0.2, 'float32', 7)
    const [a, b] = [plain, cp].map((m) => (m.predict(x) as tf.Tensor).dataSync())
    expect([...a!]).toEqual([...b!])
    tf.dispose(x)
    plain.dispose()
    cp.dispose()

    const human = await cli('export', '--checkpoint', String(trained.checkpoint), '--out', join(root, 'exported 2'))
    expect(human.code, human.errors.join('\n')).toBe(0)
    expect(human.stdout.at(-1)).toBe(`  tensorflowjs_converter --input_format tfjs_layers_model --output_format keras '${join(root, 'exported 2')}/model.json' model.h5`)
  })

  it('models --json lists the model with its runs and their checkpoints', async () => {
    const r = await cli('models', '--json')
    expect(r.code).toBe(0)
    const models = r.json.models as { id: number; kind: string; runs: { id: number; status: string; epochs: number; bestValRocAuc: number | null; checkpoints: { id: number; step: number; sizeBytes: number }[] }[] }[]
    // Newest first: model 2 is the run over the zero-byte clip; model 1 has the first run and its resumption.
    expect(models.map((m) => [m.id, m.kind, m.runs.map((run) => [run.id, run.status, run.epochs, run.checkpoints.length])])).toEqual([
      [2, 'tagger/dieleman', [[3, 'completed', 1, 1]]],
      [1, 'tagger/dieleman', [[2, 'completed', 3, 2], [1, 'completed', 2, 2]]]
    ])
    expect(models[1]!.runs[1]!.bestValRocAuc).toBe(trained.valRocAuc)
    expect(models[1]!.runs[1]!.checkpoints.every((c) => c.sizeBytes > 0)).toBe(true)
    const human = await cli('models')
    expect(human.stdout[0]).toMatch(/^model 2 {2}dieleman tagger on .* \(tagger\/dieleman, created \d{4}-\d\d-\d\d \d\d:\d\d\)$/)
    const date = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d'
    const run1 = new RegExp(`^ {2}run 1 {2}completed {2}${date} -> ${date} {2}epochs 2/2 {2}best validation ROC-AUC ${(trained.valRocAuc as number).toFixed(4)}$`)
    expect(human.stdout.filter((l) => run1.test(l))).toHaveLength(1)
    expect(human.stdout.filter((l) => l.startsWith('    checkpoint '))).toHaveLength(5)
  })
})

describe('bad input: one stderr line, exit 1, the library unchanged', () => {
  it('train-tagger: a dataset that does not exist, or is not MagnaTagATune', async () => {
    await expectRefused(['train-tagger', '--dataset', '99', '--epochs', '1'], /^error: dataset 99: not in the library/)
    expect((await cli('import-glove', resolve('test/fixtures/glove/glove.fixture.8d.txt'))).code).toBe(0)
    await expectRefused(['train-tagger', '--dataset', '2', '--epochs', '1'], /^error: dataset 2: a glove dataset; the tagger trains on MagnaTagATune imports$/)
  })

  it('train-tagger: a split file naming clips the dataset does not have', async () => {
    const bad = join(root, 'bad-split.txt')
    writeFileSync(bad, `${readFileSync(splitFile, 'utf8')}9999 test\n`)
    await expectRefused(['train-tagger', '--dataset', '1', '--split', bad, '--epochs', '1', '--top', String(TOP)], /^error: split file .*bad-split\.txt: 1 line names a clip the dataset does not have \(9999\)$/)
  })

  it('train-tagger: --resume of a missing folder, and of another architecture\'s checkpoint', async () => {
    const missing = join(root, 'no-such-checkpoint')
    await expectRefused(['train-tagger', '--dataset', '1', '--resume', missing], new RegExp(`^error: --resume ${missing}: does not exist$`))
    const folder = withLib((lib) => lib.checkpoints.get(trained.checkpoint as number)!.path)
    await expectRefused(['train-tagger', '--dataset', '1', '--split', splitFile, '--arch', 'samplecnn', '--resume', folder], /a checkpoint of tagger\/dieleman, not tagger\/samplecnn$/)
  })

  it('export into a folder that already holds a model: refused, its files unchanged', async () => {
    const out = join(root, 'exported')
    const before = ['model.json', 'weights.bin'].map((f) => sha(join(out, f)))
    await expectRefused(['export', '--model', '1', '--out', out], /exported: already holds a model \(model\.json\); choose another folder$/)
    expect(['model.json', 'weights.bin'].map((f) => sha(join(out, f)))).toEqual(before)
    expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([])
  })

  it('tag, evaluate and export with an unknown --model id', async () => {
    const file = fixture('stereo.flac')
    await expectRefused(['tag', file, '--model', '99'], /^error: model 99: not in the library$/)
    await expectRefused(['evaluate', '--model', '99'], /^error: model 99: not in the library$/)
    await expectRefused(['export', '--model', '99', '--out', join(root, 'never')], /^error: model 99: not in the library$/)
    expect(existsSync(join(root, 'never'))).toBe(false)
  })

  it('a checkpoint of another model than --model names', async () => {
    await expectRefused(['evaluate', '--model', '2', '--checkpoint', String(trained.checkpoint)], /^error: checkpoint \d+: belongs to model 1, not model 2$/)
  })

  it('Ctrl-C (SIGINT) cancels a run: one line saying how to resume, and the run is marked stopped', async () => {
    const { spawn } = await import('node:child_process')
    const args = ['--import', 'tsx', 'src-main/cli/index.ts', 'train-tagger', '--dataset', '1', '--split', splitFile, '--epochs', '50', '--top', String(TOP), '--batch', String(BATCH), '--data-dir', dataDir]
    const child = spawn(process.execPath, args, { cwd: resolve('.') })
    let stderr = ''
    const code = await new Promise<number | null>((done) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString()
        if (/phase=epoch \d+\/50/.test(stderr) && !child.killed) child.kill('SIGINT')
      })
      child.on('close', (c) => done(c))
    })
    expect(code, stderr.slice(-400)).toBe(1)
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^error: train-tagger: cancelled, run (\d+) is stopped; its checkpoints are listed by `models` \(continue one with --resume ID\)$/)
    const runId = Number(/run (\d+) is stopped/.exec(stderr)![1])
    expect(withLib((lib) => lib.runs.get(runId)!.status)).toBe('stopped')
  })

})
