/**
 * Local conditioning through the CLI: the tiny preset trained on log-mel frames only (--condition
 * mel, 20 bands at the 8 kHz default hop of 128) on the VCTK fixture, then `generate --mel` with a
 * recording (output as long as the recording) and with the log-mel file `mel` writes of it, and
 * every refusal of mel input in one line with nothing written: another width, hop or rate, --mel
 * for a model without local conditioning, a mel model without --mel, frames too short for
 * --seconds, model files whose receptive field is longer than their training crops.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeWav } from '../../src-main/audio/wav-decode'
import { loadMono } from '../../src-main/audio/load'
import { writeMelFile } from '../../src-main/datasets/mel-file'
import { defaultMelSettings, melFrames } from '../../src-main/dsp/mel-frames'
import { cliOn } from '../unit/cli/run-cli'
import { expectRefusedNothingWritten } from './refused'

let root: string
let dataDir: string
const cli = cliOn(() => dataDir)
/** A fixture recording: 9495 samples at 8 kHz. */
const SOURCE = resolve('test/fixtures/vctk/v080/wav48/p225/p225_001.wav')
const MEL = defaultMelSettings(8000, { bands: 20 })
let trained: Record<string, unknown>
let plainCheckpoint: string

const expectRefused = (args: string[], message: RegExp, out: string): Promise<void> => expectRefusedNothingWritten(cli, args, message, out)

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-wavenet-mel-'))
  dataDir = join(root, 'data')
  expect((await cli('import-vctk', resolve('test/fixtures/vctk/v080'))).code).toBe(0)
  const r = await cli('train-wavenet', '--dataset', '1', '--preset', 'tiny', '--condition', 'mel', '--mel-bands', '20', '--seed', '3', '--json')
  expect(r.code, r.errors.join('\n')).toBe(0)
  trained = r.json
  // Model 2: speaker-conditioned, one epoch: a model without local conditioning.
  const plain = await cli('train-wavenet', '--dataset', '1', '--preset', 'tiny', '--epochs', '1', '--json')
  expect(plain.code, plain.errors.join('\n')).toBe(0)
  plainCheckpoint = plain.json.checkpointPath as string
}, 180_000)
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('train-wavenet --condition mel', () => {
  it('--json: the mel settings, targets raised to whole frames (RF 17 + 256 - 1 -> 384 inputs), no speakers', () => {
    expect(trained).toMatchObject({ modelId: 1, receptiveField: 17, targets: 368, crop: 385, speakers: [], mel: MEL, epochs: 2 })
    expect(Number.isFinite(trained.finalLoss)).toBe(true)
    expect(Number.isFinite(trained.validNll)).toBe(true)
  })
})

describe('generate --mel', () => {
  it('a recording: resynthesised as long as the recording, 16-bit at the model rate, from its frames', async () => {
    const out = join(root, 'resynth.wav')
    const r = await cli('generate', '--model', '1', '--mel', SOURCE, '--out', out, '--seed', '2', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json).toMatchObject({ modelId: 1, sampleRate: 8000, samples: 9495, conditioning: 'audio', speaker: null, batch: 1 })
    expect(r.json.samplesPerSecond).toBeGreaterThan(0)
    const wav = decodeWav(new Uint8Array(readFileSync(out)), out)
    expect(wav.sampleRate).toBe(8000)
    expect(wav.channels[0]).toHaveLength(9495)
    expect(wav.channels[0]!.every((x) => Number.isFinite(x))).toBe(true)
  })

  it('`mel` writes the recording\'s frames with the model\'s settings; generate from that file equals generate from the recording', async () => {
    const json = join(root, 'source.json')
    const m = await cli('mel', '--in', SOURCE, '--model', '1', '--out', json, '--json')
    expect(m.code, m.errors.join('\n')).toBe(0)
    expect(m.json).toMatchObject({ modelId: 1, frames: 75, samples: 9495, settings: MEL })
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { frames: number[][] }
    expect(Float32Array.from(doc.frames.flat())).toEqual(melFrames(await loadMono(SOURCE, 8000), MEL).data)
    const [a, b] = [join(root, 'from-audio.wav'), join(root, 'from-file.wav')]
    for (const [out, mel] of [[a, SOURCE], [b, json]] as const) {
      const r = await cli('generate', '--model', '1', '--mel', mel, '--seconds', '0.3', '--seed', '4', '--out', out, '--json')
      expect(r.code, r.errors.join('\n')).toBe(0)
      expect(r.json.samples).toBe(2400)
    }
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true)
  })

  it('refusals in one line, nothing written', async () => {
    const out = join(root, 'bad.wav')
    const gen = (...more: string[]) => ['generate', '--out', out, ...more]
    const write = async (name: string, s: typeof MEL): Promise<string> => {
      const path = join(root, name)
      const x = await loadMono(SOURCE, s.sampleRate)
      await writeMelFile(path, s, melFrames(x, s), x.length)
      return path
    }
    const bands = await write('bands.json', defaultMelSettings(8000, { bands: 40 }))
    await expectRefused(gen('--model', '1', '--mel', bands), /^error: .*bands\.json: log-mel at bands 40 \(the model's 20\); write it again with `mel --model` for this model$/, out)
    const hop = await write('hop.json', defaultMelSettings(8000, { bands: 20, hop: 64 }))
    await expectRefused(gen('--model', '1', '--mel', hop), /^error: .*hop\.json: log-mel at hop 64 \(the model's 128\)/, out)
    const rate = await write('rate.json', defaultMelSettings(16000, { bands: 20, hop: 128 }))
    await expectRefused(gen('--model', '1', '--mel', rate), /^error: .*rate\.json: log-mel at rate 16000 Hz \(the model's 8000\)/, out)
    await expectRefused(gen('--model', '1'), /^error: model 1: conditioned on log-mel frames; give --mel FILE \(a recording to resynthesise, or a log-mel file from `mel`\)$/, out)
    await expectRefused(gen('--model', '1', '--mel', SOURCE, '--seconds', '2'), /^error: --seconds 2: the frames of .*p225_001\.wav cover 1\.200 s$/, out)
    await expectRefused(gen('--model', '2', '--mel', SOURCE), /^error: --mel .*p225_001\.wav: model 2 takes no local conditioning \(train one with --condition mel\); leave out --mel$/, out)
    await expectRefused(gen('--model', '1', '--mel', join(root, 'missing.wav')), /missing\.wav: file not found$/, out)
    const json = join(root, 'plain.json')
    await expectRefused(['mel', '--in', SOURCE, '--model', '2', '--out', json], /^error: model 2: takes no local conditioning \(train one with --condition mel\)$/, json)
    // Usage errors: the line, then the command's usage.
    for (const [flag, value, message] of [
      ['--condition', 'pitch', /^error: --condition: "pitch" is not one of speaker, none, mel, speaker\+mel/],
      ['--upsampling', 'linear', /^error: --upsampling: "linear" is not one of repeat, transposed$/]
    ] as const) {
      const r = await cli('train-wavenet', '--dataset', '1', flag, value)
      expect(r.code).not.toBe(0)
      expect(r.errors[0]).toMatch(message)
    }
    // Model 2's files with a description claiming crops shorter than their receptive field (17 samples).
    const model = join(plainCheckpoint, 'model.json')
    const doc = JSON.parse(readFileSync(model, 'utf8')) as { userDefinedMetadata: Record<string, { extra: { spec: { receptiveField: number; targets: number } } }> }
    const meta = Object.values(doc.userDefinedMetadata)[0]!
    meta.extra.spec = { ...meta.extra.spec, receptiveField: 9, targets: 4 }
    writeFileSync(model, JSON.stringify(doc))
    await expectRefused(gen('--model', '2'), /^error: checkpoint \d+: receptive field 17 samples is not shorter than its training crops \(13 samples\); the model never learned from a whole receptive field$/, out)
  })
})
