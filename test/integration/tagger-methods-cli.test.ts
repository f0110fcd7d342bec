/**
 * The tagger methods through the CLI (in process; the job pool's workers do the work): `fool` and
 * `stylize --method activation` on a small trained tagger recorded in a temporary library, their
 * --json fields, and the bad inputs each refused in one stderr line.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Library } from '../../src-main/library/library'
import { initBackend } from '../../src-main/engine/backend'
import { saveCheckpoint } from '../../src-main/engine/train/checkpoint'
import { initialTrainState } from '../../src-main/engine/train/loop'
import type { TaggerSpec } from '../../src-main/engine/train/tagger'
import { loadMono } from '../../src-main/audio/load'
import { writeWav } from '../../src-main/audio/wav'
import { lastJson, runCliInProcess } from '../unit/cli/run-cli'
import { buildSmallTagger, noise, SMALL_CROP, SMALL_TAGS, tone } from '../unit/style/tagger-helpers'

let root: string
let dataDir: string
let modelId: number
let low: string
let hiss: string

/** Records the small trained tagger as model -> run -> checkpoint, as a training run would. */
async function recordTagger(): Promise<number> {
  const net = await buildSmallTagger()
  const spec: TaggerSpec = { arch: 'dieleman', tags: SMALL_TAGS, sampleRate: 16000, crop: SMALL_CROP, options: { frameLength: 16, frameFilters: 8, blockFilters: 8, blockTaps: 4, pool: 2, hidden: 16, seed: 7 } }
  const lib = Library.open(dataDir)
  try {
    const id = lib.models.create({ name: 'small test tagger', kind: 'tagger/dieleman' })
    const runId = lib.runs.create({ modelId: id })
    const dir = join(dataDir, 'checkpoints', `run-${runId}`, 'epoch-001')
    const saved = await saveCheckpoint(net.model, dir, { arch: 'tagger/dieleman', modelOptions: {}, extra: { spec }, state: initialTrainState(0) })
    lib.checkpoints.add({ runId, path: dir, step: 40, sizeBytes: saved.bytes })
    // A merged synonym, as an MTAT import records them: "hiss" means the tag "noise".
    lib.tags.setAlias('hiss', lib.tags.ensure('noise'))
    return id
  } finally {
    lib.close()
    net.model.dispose()
  }
}

async function cli(...args: string[]) {
  const r = await runCliInProcess(...args, '--data-dir', dataDir)
  return { ...r, json: r.code === 0 && args.includes('--json') ? lastJson(r.stdout) : {} }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-tagger-methods-'))
  dataDir = join(root, 'data')
  await initBackend('wasm')
  modelId = await recordTagger()
  low = join(root, 'low.wav')
  hiss = join(root, 'hiss.wav')
  await writeWav(low, [tone(12000, 300, 0.5)], 16000)
  await writeWav(hiss, [noise(12000, 4, 0.2)], 16000)
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('fool', () => {
  it('raises the tag and reports probability, style measures and flatness (--json)', async () => {
    const out = join(root, 'fooled.wav')
    const r = await cli('fool', '--model', String(modelId), '--tag', 'noise', '--in', low, '--out', out, '--iterations', '6', '--json')
    expect(r.code, r.stderr).toBe(0)
    const j = r.json as Record<string, any>
    expect(j).toMatchObject({ out, tag: 'noise', modelId, arch: 'dieleman', sampleRate: 16000 })
    expect(j.probability.before).toBeLessThan(0.5)
    expect(j.probability.after).toBeGreaterThan(j.probability.before)
    expect(j.spectralFlatness.input).toBeLessThan(0.05)
    for (const v of [j.spectralFlatness.output, j.styleDistance, j.contentDistance, j.finalLoss, j.change.levelDb, j.change.spectralFlatness]) expect(Number.isFinite(v)).toBe(true)
    expect((await loadMono(out, 16000)).length).toBe(12000)
  })

  it('takes a merged synonym for its tag, as clips --tag does', async () => {
    const r = await cli('fool', '--model', String(modelId), '--tag', 'hiss', '--in', low, '--out', join(root, 'syn.wav'), '--iterations', '2', '--json')
    expect(r.code).toBe(0)
    expect(r.json).toHaveProperty('tag')
  })

  it('refuses an unknown tag (naming valid ones), an unknown model, and a missing --tag', async () => {
    const out = join(root, 'never.wav')
    const tag = await cli('fool', '--model', String(modelId), '--tag', 'banjo', '--in', low, '--out', out)
    expect(tag.code).toBe(1)
    expect(tag.errorLines).toEqual([`error: tag "banjo": not one of this model's 3 tags ("low", "high", "noise")`])
    const model = await cli('fool', '--model', '99', '--tag', 'noise', '--in', low, '--out', out)
    expect(model.code).toBe(1)
    expect(model.errorLines).toEqual(['error: model 99: not in the library'])
    const missing = await cli('fool', '--model', String(modelId), '--in', low, '--out', out)
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain('--tag is required')
  })
})

describe('stylize --method activation', () => {
  it('renders with the tagger and reports its layers and the spectral flatness (--json)', async () => {
    const out = join(root, 'styled.wav')
    const r = await cli('stylize', '--method', 'activation', '--model', String(modelId), '--content', low, '--style', hiss, '--out', out, '--iterations', '3', '--json')
    expect(r.code, r.stderr).toBe(0)
    const j = r.json as Record<string, any>
    expect(j).toMatchObject({ out, method: 'activation', optimizer: 'lbfgs', sampleRate: 16000, iterations: 3 })
    expect(j.tagger).toEqual({ modelId, checkpointId: 1, arch: 'dieleman', contentLayers: ['block2_pool'], styleLayers: ['frames', 'block1_conv'] })
    expect(j.spectralFlatness.content).toBeLessThan(0.05)
    expect(j.spectralFlatness.style).toBeGreaterThan(0.4)
    expect(Number.isFinite(j.styleDistance.output)).toBe(true)
    expect((await loadMono(out, 16000)).length).toBe(12000)
  })

  it('refuses --model with another method, and an unknown model', async () => {
    const out = join(root, 'never.wav')
    const texture = await cli('stylize', '--model', String(modelId), '--content', low, '--style', hiss, '--out', out)
    expect(texture.code).not.toBe(0)
    expect(texture.stderr).toContain('--model applies to --method activation or wavenet only')
    const model = await cli('stylize', '--method', 'activation', '--model', '42', '--content', low, '--style', hiss, '--out', out)
    expect(model.code).toBe(1)
    expect(model.errorLines).toEqual(['error: model 42: not in the library'])
  })
})
