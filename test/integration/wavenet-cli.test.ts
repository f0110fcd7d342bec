/**
 * WaveNet training from the CLI on the VCTK fixture (12 espeak-ng clips of 4 speakers, 8 kHz) with
 * the tiny preset (1 x 4 layers, RF 17, crops of RF + 256; about 5 s an epoch): the run, its
 * per-epoch cross-entropy and checkpoints in the library, the loss falling, a resume continuing the
 * checkpoint's steps and losses, Ctrl-C marking the run stopped, and each bad input refused in one
 * line with the library unchanged.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Library } from '../../src-main/library/library'
import { withLibrary } from '../../src-main/api/library'
import { readCheckpointMeta } from '../../src-main/engine/train/checkpoint'
import type { WavenetSpec } from '../../src-main/engine/train/wavenet'
import { cliOn } from '../unit/cli/run-cli'
import { writeWav } from '../../src-main/audio/wav'

/** The same batches through the same weights and optimizer state, in another worker: float32 sums in the same order. */
const LOSS_TOL = 1e-5

let root: string
let dataDir: string
const cli = cliOn(() => dataDir)
const withLib = <T>(fn: (lib: Library) => T): Promise<T> => withLibrary(dataDir, fn)

async function expectRefused(args: string[], message: RegExp): Promise<void> {
  const before = await withLib((lib) => lib.snapshot())
  const r = await cli(...args)
  expect(r.code, r.errors.join('\n')).toBe(1)
  expect(r.errors).toHaveLength(1)
  expect(r.errors[0]).toMatch(message)
  expect(await withLib((lib) => lib.snapshot())).toEqual(before)
}

let trained: Record<string, unknown>

/** Runs the real CLI process and sends it SIGINT once its stderr (the progress bar) matches `when`. */
function interruptedCli(args: string[], when: RegExp): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/index.ts', ...args], { cwd: resolve('.') })
  const chunks: string[] = []
  child.stderr.on('data', (d: Buffer) => {
    chunks.push(d.toString())
    if (!child.killed && when.test(chunks.join(''))) child.kill('SIGINT')
  })
  return new Promise((done) => child.on('close', (code) => done({ code, stderr: chunks.join('') })))
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-wavenet-cli-'))
  dataDir = join(root, 'data')
  expect((await cli('import-vctk', resolve('test/fixtures/vctk/v080'))).code).toBe(0)
  // Dataset 2: not speech. Dataset 3: the fixture's layout with every clip silent.
  expect((await cli('import-glove', resolve('test/fixtures/glove/glove.fixture.8d.txt'))).code).toBe(0)
  const silent = join(root, 'silent')
  cpSync(resolve('test/fixtures/vctk/v080'), silent, { recursive: true })
  for (const spk of readdirSync(join(silent, 'wav48'))) {
    for (const f of readdirSync(join(silent, 'wav48', spk))) await writeWav(join(silent, 'wav48', spk, f), [new Float32Array(8000)], 8000)
  }
  expect((await cli('import-vctk', silent)).code).toBe(0)
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('train-wavenet through the CLI', () => {
  it('--preset tiny: the --json figures, the run and its per-epoch cross-entropy in the library, the loss falling', async () => {
    const r = await cli('train-wavenet', '--dataset', '1', '--preset', 'tiny', '--seed', '3', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    trained = r.json
    expect(trained).toMatchObject({ runId: 1, modelId: 1, receptiveField: 17, crop: 17 + 256, epochs: 2, reason: 'epochs', speakers: ['p225', 'p226', 'p227', 'p228'], skipped: [] })
    const clips = trained.clips as { train: number; valid: number }
    expect(clips.train + clips.valid).toBe(12)
    expect(trained.checkpoint).toBe(trained.checkpointId)
    expect(typeof trained.finalLoss).toBe('number')
    expect(clips.valid).toBeGreaterThanOrEqual(1)
    expect(trained.validNll).toBeGreaterThan(0)
    expect(trained.validNll).toBeLessThan(Math.log(256))
    expect(trained.validBits).toBeCloseTo((trained.validNll as number) / Math.LN2, 9)
    await withLib((lib) => {
      expect(lib.runs.get(1)).toMatchObject({ status: 'completed', error: null, modelId: 1 })
      const perEpoch = (trained.steps as number) / 2
      expect(lib.runs.metrics(1, 'loss').map((m) => m.step)).toEqual(Array.from({ length: 2 * perEpoch }, (_, i) => i + 1))
      const epochLoss = lib.runs.metrics(1, 'epochLoss')
      const validNll = lib.runs.metrics(1, 'validNll')
      expect(epochLoss.map((m) => m.step)).toEqual([perEpoch, 2 * perEpoch])
      expect(validNll.map((m) => m.step)).toEqual([perEpoch, 2 * perEpoch])
      expect(lib.runs.metrics(1, 'validBits').map((m) => m.value)).toEqual(validNll.map((m) => m.value / Math.LN2))
      expect(epochLoss[1]!.value).toBeLessThan(epochLoss[0]!.value)
      expect(validNll[1]!.value).toBeLessThan(validNll[0]!.value)
      const cps = lib.checkpoints.list({ runId: 1 })
      expect(cps.map((c) => c.metrics.epoch)).toEqual([2, 1])
      expect(cps[0]!.id).toBe(trained.checkpointId)
      expect(lib.models.list()[0]).toMatchObject({ id: 1, kind: 'wavenet/mulaw' })
    })
    const meta = await readCheckpointMeta(trained.checkpointPath as string)
    expect((meta.extra.spec as WavenetSpec).speakers.map((s) => s.code)).toEqual(['p225', 'p226', 'p227', 'p228'])
  })

  it('--resume from the epoch-1 checkpoint with --epochs 3: the same model, steps and losses continuing the checkpoint\'s', async () => {
    const first = await withLib((lib) => lib.checkpoints.list({ runId: 1 }).find((c) => c.metrics.epoch === 1)!)
    const r = await cli('train-wavenet', '--dataset', '1', '--preset', 'tiny', '--epochs', '3', '--resume', String(first.id), '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json).toMatchObject({ runId: 2, modelId: 1, epochs: 3, steps: 3 * first.step, receptiveField: 17 })
    await withLib((lib) => {
      const resumed = lib.runs.metrics(2, 'loss')
      expect(resumed.map((m) => m.step)).toEqual(Array.from({ length: 2 * first.step }, (_, i) => first.step + i + 1))
      // Epoch 2 again from the checkpoint's weights, Adam moments, seed and crops: run 1's losses.
      const again = lib.runs.metrics(1, 'loss').filter((m) => m.step > first.step)
      again.forEach((m, i) => expect(Math.abs(resumed[i]!.value - m.value), `step ${m.step}`).toBeLessThan(LOSS_TOL))
    })
  })

  it('--speakers trains on those speakers only, and a resumed run keeps them', async () => {
    const r = await cli('train-wavenet', '--dataset', '1', '--preset', 'tiny', '--epochs', '1', '--speakers', 'p228,p225', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    // Speakers in the order asked: the one-hot index of each.
    expect(r.json).toMatchObject({ speakers: ['p228', 'p225'], clips: { train: expect.any(Number), valid: expect.any(Number) } })
    const clips = r.json.clips as { train: number; valid: number }
    expect(clips.train + clips.valid).toBe(6)
    // Without --speakers the resumed run would meet p226 and p227, which the model has no input for.
    const again = await cli('train-wavenet', '--dataset', '1', '--preset', 'tiny', '--epochs', '2', '--resume', String(r.json.checkpointId), '--json')
    expect(again.code, again.errors.join('\n')).toBe(0)
    expect(again.json).toMatchObject({ modelId: r.json.modelId, epochs: 2, speakers: ['p228', 'p225'], clips })
    await expectRefused(['train-wavenet', '--dataset', '1', '--epochs', '3', '--speakers', 'p226', '--resume', String(r.json.checkpointId)], /^error: speaker p226 of dataset 1: the model was trained without it \(its speakers: p228, p225\); choose others with --speakers$/)
  })

  it('one speaker trains (its one-hot is a column of ones) and generates; a resume with another --condition is refused', async () => {
    const r = await cli('train-wavenet', '--dataset', '1', '--preset', 'tiny', '--epochs', '1', '--speakers', 'p226', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json).toMatchObject({ speakers: ['p226'] })
    const out = join(root, 'one-speaker.wav')
    const g = await cli('generate', '--checkpoint', String(r.json.checkpointId), '--seconds', '0.05', '--out', out, '--json')
    expect(g.code, g.errors.join('\n')).toBe(0)
    expect(g.json).toMatchObject({ speaker: 'p226' })
    await expectRefused(['train-wavenet', '--dataset', '1', '--epochs', '3', '--condition', 'none', '--resume', String(r.json.checkpointId)], /^error: --condition none: the checkpoint was trained on speaker; a resumed run keeps its model's conditioning \(leave out --condition\)$/)
  })

  it('bad input is refused in one line, the library unchanged', async () => {
    await expectRefused(['train-wavenet', '--dataset', '9', '--preset', 'tiny'], /^error: dataset 9: not in the library/)
    await expectRefused(['train-wavenet', '--dataset', '2', '--preset', 'tiny'], /^error: dataset 2: a glove dataset; WaveNet trains on VCTK-format \(import-vctk\) or MagnaTagATune \(import-mtat\) imports$/)
    await expectRefused(['train-wavenet', '--dataset', '3', '--preset', 'tiny'], /^error: dataset 3: no usable clip \(0 could not be decoded, the rest are silent\)$/)
    await expectRefused(['train-wavenet', '--dataset', '1', '--preset', 'tiny', '--speakers', 'p225,p999'], /^error: speaker p999: not a speaker of dataset 1 with usable clips \(p225, p226, p227, p228\)$/)
    await expectRefused(
      ['train-wavenet', '--dataset', '1', '--preset', 'tiny', '--stacks', '2', '--layers', '13', '--batch', '1'],
      /^error: receptive field 16384 \+ 256 targets = 16640 samples \(2080 ms\) is longer than every trimmed clip \(the longest is \d+ samples, \d+ ms\)/
    )
    // The target model's crops (4096 samples) at batch 4 would abort mid-run out of the wasm heap.
    await expectRefused(['train-wavenet', '--dataset', '1', '--batch', '4'], /^error: batch 4 of 4096-sample crops needs about 1\.9 GB for one step, more than the wasm backend holds: use --batch 2 or fewer --targets$/)
    const first = await withLib((lib) => lib.checkpoints.list({ runId: 1 }).find((c) => c.metrics.epoch === 1)!)
    await expectRefused(['train-wavenet', '--dataset', '1', '--epochs', '1', '--resume', String(first.id)], /^error: --resume: the checkpoint has done 1 epoch already; ask for more with --epochs \(e\.g\. --epochs 11\)$/)
    await expectRefused(['train-wavenet', '--dataset', '1', '--epochs', '5', '--layers', '5', '--resume', String(first.id)], /^error: --layers 5: the checkpoint has 4; a resumed run keeps its model's shape$/)
    // Another dataset would feed the model other speakers (or, for a tags model, zero vectors) silently.
    await expectRefused(['train-wavenet', '--dataset', '3', '--epochs', '5', '--resume', String(first.id)], new RegExp(`^error: --dataset 3: checkpoint ${first.id} was trained on dataset 1; a resumed run keeps its dataset \\(give --dataset 1\\)$`))
  })

  it('Ctrl-C (SIGINT) cancels a run: one line saying how to resume, and the run is marked stopped (cancelled)', async () => {
    // A resumed run: the model it loaded is disposed once, and the cancel is what gets reported.
    const first = await withLib((lib) => lib.checkpoints.list({ runId: 1 }).find((c) => c.metrics.epoch === 1)!)
    const { code, stderr } = await interruptedCli(['train-wavenet', '--dataset', '1', '--epochs', '50', '--resume', String(first.id), '--data-dir', dataDir], /phase=epoch \d+\/50/)
    expect(code, stderr.slice(-400)).toBe(1)
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^error: train-wavenet: cancelled, run (\d+) is stopped; its checkpoints are listed by `models` \(continue one with --resume ID\)$/)
    const runId = Number(/run (\d+) is stopped/.exec(stderr)![1])
    expect(await withLib((lib) => lib.runs.get(runId))).toMatchObject({ status: 'stopped', error: 'cancelled' })
  })
})
