/**
 * WaveNet generation from the CLI: the tiny preset trained once on the VCTK fixture (8 kHz, 4
 * speakers; RF 17), then `generate` writing 0.1 s as 16-bit WAV at the model's rate, fast and naive,
 * one stream and a batch; the same seed giving the same file; and each bad input refused in one line
 * with nothing written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeWav } from '../../src-main/audio/wav-decode'
import { withLibrary } from '../../src-main/api/library'
import { cliOn } from '../unit/cli/run-cli'
import { exportThroughCli } from './exported'
import { tf, tfl } from '../../src-main/engine/tf'
import { initBackend } from '../../src-main/engine/backend'
import { loadModel } from '../../src-main/engine/models/model-files'
import { expectRefusedNothingWritten } from './refused'

let root: string
let dataDir: string
const cli = cliOn(() => dataDir)
let checkpointId: number

/** The tiny preset's rate and 0.1 s of it. */
const RATE = 8000
const SAMPLES = 800

function readOut(path: string): { rate: number; samples: Float32Array; bytes: Buffer } {
  const bytes = readFileSync(path)
  const wav = decodeWav(new Uint8Array(bytes), path)
  expect(wav.channels).toHaveLength(1)
  expect(wav.format.bitDepth).toBe(16)
  return { rate: wav.sampleRate, samples: wav.channels[0]!, bytes }
}

const expectRefused = (args: string[], message: RegExp, out: string): Promise<void> => expectRefusedNothingWritten(cli, args, message, out)

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-wavenet-generate-'))
  dataDir = join(root, 'data')
  expect((await cli('import-vctk', resolve('test/fixtures/vctk/v080'))).code).toBe(0)
  const r = await cli('train-wavenet', '--dataset', '1', '--preset', 'tiny', '--seed', '3', '--json')
  expect(r.code, r.errors.join('\n')).toBe(0)
  checkpointId = r.json.checkpointId as number
  // Model 2: a tagger's record (no tagger trains in seconds), to be refused as not a WaveNet.
  await withLibrary(dataDir, (lib) => lib.models.create({ name: 'a tagger', kind: 'tagger/fcn', config: {} }))
}, 120_000)
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('generate through the CLI', () => {
  it('--model: 0.1 s of 16-bit WAV at the model rate, finite, with the --json figures', async () => {
    const out = join(root, 'one.wav')
    const r = await cli('generate', '--model', '1', '--out', out, '--seconds', '0.1', '--seed', '7', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json).toMatchObject({ modelId: 1, checkpointId, files: [out], method: 'fast', sampleRate: RATE, samples: SAMPLES, receptiveField: 17, speaker: 'p225', temperature: 1, seed: 7, batch: 1 })
    expect(r.json.samplesPerSecond).toBeGreaterThan(0)
    expect(r.json.realtimeFactor).toBeCloseTo((r.json.samplesPerSecond as number) / RATE, 9)
    const wav = readOut(out)
    expect(wav.rate).toBe(RATE)
    expect(wav.samples).toHaveLength(SAMPLES)
    expect(wav.samples.every((x) => Number.isFinite(x) && Math.abs(x) <= 1)).toBe(true)
    // Sampled at temperature 1, not a constant level.
    expect(new Set(wav.samples).size).toBeGreaterThan(1)
  })

  it('models lists the WaveNet run with its best validation NLL, not a ROC-AUC', async () => {
    const r = await cli('models', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    const run = (r.json.models as { id: number; runs: { best: { metric: string; value: number } | null; bestValRocAuc: number | null }[] }[]).find((m) => m.id === 1)!.runs[0]!
    expect(run.best?.metric).toBe('validNll')
    expect(run.bestValRocAuc).toBeNull()
    const text = await cli('models')
    expect(text.stdout.join('\n')).toMatch(new RegExp(`best validation NLL \\(nats/sample\\) ${run.best!.value.toFixed(4)}`))
  })

  it('the same seed gives the same file, another seed another; naive matches fast on one seed', async () => {
    const args = (out: string, seed: string, ...more: string[]) => ['generate', '--checkpoint', String(checkpointId), '--out', out, '--seconds', '0.1', '--speaker', 'p227', '--seed', seed, ...more]
    const [a, b, c, d] = ['a.wav', 'b.wav', 'c.wav', 'd.wav'].map((f) => join(root, f))
    for (const [out, seed, ...more] of [[a!, '11'], [b!, '11'], [c!, '12'], [d!, '11', '--naive']] as const) {
      const r = await cli(...args(out, seed, ...more))
      expect(r.code, r.errors.join('\n')).toBe(0)
    }
    expect(readOut(a!).bytes.equals(readOut(b!).bytes)).toBe(true)
    expect(readOut(a!).bytes.equals(readOut(c!).bytes)).toBe(false)
    // The same seeded draws over distributions equal within float rounding: the same levels, unless
    // a draw lands within rounding of a CDF step (not with this seed).
    expect(readOut(a!).bytes.equals(readOut(d!).bytes)).toBe(true)
  })

  it('--batch 3 writes FILE-1.wav .. FILE-3.wav, streams that differ', async () => {
    const r = await cli('generate', '--model', '1', '--out', join(root, 'many.wav'), '--seconds', '0.1', '--batch', '3', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    const files = [1, 2, 3].map((i) => join(root, `many-${i}.wav`))
    expect(r.json).toMatchObject({ files, batch: 3 })
    expect(existsSync(join(root, 'many.wav'))).toBe(false)
    const outs = files.map((f) => readOut(f))
    for (const o of outs) expect(o.samples).toHaveLength(SAMPLES)
    expect(outs[0]!.bytes.equals(outs[1]!.bytes)).toBe(false)
  })

  it('export: a WaveNet (stock layers) that plain tf.loadLayersModel loads with the checkpoint\'s outputs, and the Keras command', async () => {
    const out = join(root, 'exported')
    const r = { json: await exportThroughCli(cli, 1, out) }
    await initBackend()
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'))
    expect(json.userDefinedMetadata.electricBeats).toMatchObject({ arch: 'wavenet/mulaw', spec: { sampleRate: RATE } })
    const weights = readFileSync(join(out, 'weights.bin'))
    const plain = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) })
    )
    const cp = await loadModel(await withLibrary(dataDir, (lib) => lib.checkpoints.get(r.json.checkpointId as number)!.path))
    // Every input at batch 2 and 64 steps where its time axis is free.
    const xs = plain.inputs.map((input, i) => tf.randomUniform(input.shape.map((d, k) => d ?? (k === 0 ? 2 : 64)), 0, 1, 'float32', i + 1))
    const [a, b] = [plain, cp].map((m) => (m.predict(xs) as tf.Tensor).dataSync())
    expect(a!.length).toBeGreaterThan(0)
    expect([...a!]).toEqual([...b!])
    tf.dispose(xs)
    plain.dispose()
    cp.dispose()
  })

  it('bad input is refused in one line, nothing written', async () => {
    const out = join(root, 'bad.wav')
    // 0.1 s unless the case gives its own --seconds (a flag given twice is refused as such).
    const gen = (...more: string[]) => ['generate', '--model', '1', '--out', out, ...(more.includes('--seconds') ? [] : ['--seconds', '0.1']), ...more]
    await expectRefused(gen('--speaker', 'p999'), /^error: speaker p999: the model was not trained with it \(its speakers: p225, p226, p227, p228\)$/, out)
    await expectRefused(gen('--temperature', '0'), /^error: --temperature 0: must be above 0/, out)
    await expectRefused(gen('--temperature=-1'), /^error: --temperature -1: must be above 0/, out)
    await expectRefused(gen('--seconds', '0'), /^error: --seconds 0: not in 0\.\.600/, out)
    await expectRefused(gen('--seconds', '601'), /^error: --seconds 601: not in 0\.\.600/, out)
    await expectRefused(gen('--batch', '65'), /^error: --batch 65: at most 64 streams in one request$/, join(root, 'bad-1.wav'))
    await expectRefused(['generate', '--model', '9', '--out', out], /^error: model 9: not in the library$/, out)
    await expectRefused(['generate', '--model', '2', '--out', out], /^error: model 2: a tagger\/fcn model, not a WaveNet$/, out)
    await expectRefused(['generate', '--checkpoint', '99', '--out', out], /^error: checkpoint 99: not in the library/, out)
    await expectRefused(['generate', '--model', '1', '--out', join(root, 'bad.mp3')], /bad\.mp3: generate writes WAV; give the output a \.wav name$/, join(root, 'bad.mp3'))
    const missing = join(root, 'no-such-folder', 'x.wav')
    await expectRefused(['generate', '--model', '1', '--out', missing], /no-such-folder: output folder does not exist$/, missing)
  })
})
