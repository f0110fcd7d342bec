/**
 * The wavenet style method end to end through the CLI: the tiny preset trained once on the VCTK
 * fixture (8 kHz, RF 17), then `stylize --method wavenet --json` on the bundled voice and music
 * examples (resampled to 8 kHz, said in the notes), measured like every other render; and each
 * bad input refused in one line with nothing written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeWav } from '../../src-main/audio/wav-decode'
import { withLibrary } from '../../src-main/api/library'
import { cliOn } from '../unit/cli/run-cli'

let root: string
let dataDir: string
const cli = cliOn(() => dataDir)
const content = resolve('resources/examples/content-voice.wav')
const style = resolve('resources/examples/style-music.wav')
/** Few steps and big blocks: the test checks the plumbing and the figures, not the quality. */
const FAST = ['--iterations', '6', '--wavenet-block', '4096']

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-wavenet-style-'))
  dataDir = join(root, 'data')
  expect((await cli('import-vctk', resolve('test/fixtures/vctk/v080'))).code).toBe(0)
  const r = await cli('train-wavenet', '--dataset', '1', '--preset', 'tiny', '--seed', '3', '--json')
  expect(r.code, r.errors.join('\n')).toBe(0)
  // Model 2: a tagger's record, to be refused as not a WaveNet.
  await withLibrary(dataDir, (lib) => lib.models.create({ name: 'a tagger', kind: 'tagger/fcn', config: {} }))
}, 120_000)
afterAll(() => rmSync(root, { recursive: true, force: true }))

async function expectRefused(args: string[], message: RegExp): Promise<void> {
  const out = join(root, 'never.wav')
  const r = await cli('stylize', '--content', content, '--style', style, '--out', out, ...args)
  expect(r.code, r.errors.join('\n')).not.toBe(0)
  // One line saying what is wrong (a usage error adds the command's usage line after it).
  expect(r.errors.filter((l) => !l.startsWith('usage:'))).toHaveLength(1)
  expect(r.errors[0]).toMatch(message)
  expect(existsSync(out)).toBe(false)
}

describe('stylize --method wavenet', () => {
  it('renders at the model rate with the measures of every method and its own figures', async () => {
    const out = join(root, 'out.wav')
    const r = await cli('stylize', '--method', 'wavenet', '--model', '1', '--content', content, '--style', style, '--out', out, ...FAST, '--speaker', 'p226', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    const j = r.json as Record<string, any>
    expect(j).toMatchObject({ method: 'wavenet', sampleRate: 8000, iterations: 6, optimizer: 'adam' })
    expect(j.wavenet).toMatchObject({ modelId: 1, receptiveField: 17, speaker: 'p226', block: 4096, steps: 6, sweeps: 1, contentLayer: 'layer2_residual', styleLayers: ['layer0_residual', 'layer1_residual'] })
    expect(j.wavenet.loss.after.total).toBeLessThan(j.wavenet.loss.before.total)
    expect(j.wavenet.loss.before.content).toBe(0)
    expect(j.wavenet.blockMs.mean).toBeGreaterThan(0)
    expect(j.styleDistance.output).toBeLessThan(j.styleDistance.content)
    expect(j.contentDistance).toBeGreaterThan(0)
    for (const k of ['content', 'style', 'output']) expect(Number.isFinite(j.measures[k].crestFactor)).toBe(true)
    expect(j.inputNotes).toEqual([`${content}: 16000 Hz, resampled to 8000 Hz, the WaveNet's rate`, `${style}: 22050 Hz, resampled to 8000 Hz, the WaveNet's rate`])
    const wav = decodeWav(new Uint8Array(readFileSync(out)), out)
    expect(wav.sampleRate).toBe(8000)
    expect(wav.channels[0]!.length).toBe(j.wavenet.clipSamples)
    expect(wav.channels[0]!.every((x) => Number.isFinite(x) && Math.abs(x) <= 1)).toBe(true)
  }, 60_000)

  it('refuses in one line, writing nothing', async () => {
    await expectRefused(['--method', 'wavenet', '--model', '2'], /model 2: a tagger\/fcn model, not a WaveNet/)
    await expectRefused(['--method', 'wavenet', '--model', '9'], /model 9: not in the library/)
    await expectRefused(['--method', 'wavenet', '--model', '1', '--style-layers', '0,3'], /style layer 3: out of range \(the model's residual layers are 0\.\.2\)/)
    await expectRefused(['--method', 'wavenet', '--model', '1', '--speaker', 'p999'], /speaker p999: the model was not trained with it/)
    await expectRefused(['--method', 'wavenet', '--model', '1', '--filters', '64'], /filters: not an option of the wavenet method/)
    await expectRefused(['--method', 'texture', '--wavenet-block', '512'], /--wavenet-block applies to --method wavenet only/)
  }, 60_000)
})
