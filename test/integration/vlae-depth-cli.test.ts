/**
 * The VLAE decoder's depth from the CLI (`train-vae --preset vlae --stacks N --layers-per-stack N`) on
 * the VCTK fixture at 8 kHz: a 2 x 5 decoder trains one tiny epoch and its checkpoint's spec, the
 * model's name and the --json figures say 2 x 5; a resume refuses another depth; out of
 * range values are refused in one line with the library unchanged.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withLibrary } from '../../src-main/api/library'
import { readCheckpointMeta } from '../../src-main/engine/train/checkpoint'
import type { VlaeSpec } from '../../src-main/engine/train/vlae'
import { cliOn } from '../unit/cli/run-cli'
import { expectRefusedUnchanged } from './refused'

let root: string
let dataDir: string
const cli = cliOn(() => dataDir)
const expectRefused = (args: string[], message: RegExp, usage = false): Promise<void> => expectRefusedUnchanged(cli, dataDir, args, message, usage)

const TINY = ['--preset', 'vlae', '--crop', '512', '--sample-rate', '8000', '--latents', '4', '--batch', '8', '--lr', '0.003']

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-vlae-depth-'))
  dataDir = join(root, 'data')
  expect((await cli('import-vctk', resolve('test/fixtures/vctk/v080'))).code).toBe(0)
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('train-vae --preset vlae --stacks --layers-per-stack', () => {
  it('trains a 2 x 5 decoder one epoch; the spec records it and a resume refuses another depth', async () => {
    const r = await cli('train-vae', '--dataset', '1', ...TINY, '--stacks', '2', '--layers-per-stack', '5', '--epochs', '1', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json).toMatchObject({ epochs: 1, reason: 'epochs', crop: 512, latents: 4 })
    // 2 x 5, filter width 2, dilations 1..16: receptive field 2 · (1 + 2 + 4 + 8 + 16) + 2 (the initial causal conv) = 64 samples.
    expect(r.json.model).toMatch(/decoder WaveNet 2x5 x \d+ \(RF 64\)/)
    const meta = await readCheckpointMeta(r.json.checkpointPath as string)
    const spec = meta.extra.spec as unknown as VlaeSpec
    expect(spec.options).toMatchObject({ stacks: 2, layersPerStack: 5 })
    await withLibrary(dataDir, (lib) => expect((lib.models.get(r.json.modelId as number)!.config as unknown as VlaeSpec).options).toMatchObject({ stacks: 2, layersPerStack: 5 }))

    await expectRefused(['train-vae', '--dataset', '1', '--preset', 'vlae', '--resume', String(r.json.checkpointId), '--stacks', '3', '--epochs', '9'], /^error: --stacks 3: the checkpoint's decoder has 2; a resumed run keeps its model's shape$/)
    await expectRefused(['train-vae', '--dataset', '1', '--preset', 'vlae', '--resume', String(r.json.checkpointId), '--layers-per-stack', '7', '--epochs', '9'], /^error: --layers-per-stack 7: the checkpoint's decoder has 5; a resumed run keeps its model's shape$/)
  }, 300_000)

  it('refuses a depth out of range in one line, the library unchanged', async () => {
    await expectRefused(['train-vae', '--dataset', '1', ...TINY, '--stacks', '9'], /^error: stacks: 9 is not a whole number in 1\.\.8$/)
    await expectRefused(['train-vae', '--dataset', '1', ...TINY, '--layers-per-stack', '15'], /^error: layers per stack: 15 is not a whole number in 1\.\.14$/)
    await expectRefused(['train-vae', '--dataset', '1', ...TINY, '--stacks', '0'], /^error: --stacks: "0" is not a positive whole number$/, true)
    await expectRefused(['train-vae', '--dataset', '1', '--layers-per-stack', '5'], /^error: --layers-per-stack: the vlae preset's; the mnist preset does not take it$/, true)
  })
})
