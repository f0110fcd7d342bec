/**
 * WaveNet on music and on dense global vectors through the CLI (issue 15): the tiny preset at 8 kHz
 * trained one epoch on the MTAT fixture (16 kHz MP3s resampled, one clip's audio missing)
 * unconditioned, on its tags' multi-hot and on the mean GloVe vector of its tags' words, and on VCTK
 * transcripts' GloVe vectors; each spec recording what generation needs; generate --tags, --text and
 * --vector; and each refusal in one line with nothing written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeWav } from '../../src-main/audio/wav-decode'
import { withLibrary } from '../../src-main/api/library'
import { readCheckpointMeta } from '../../src-main/engine/train/checkpoint'
import type { WavenetSpec } from '../../src-main/engine/train/wavenet'
import { cliOn } from '../unit/cli/run-cli'
import { expectRefusedNothingWritten } from './refused'

const GLOVE = resolve('test/fixtures/glove/glove.fixture.8d.txt')
const RATE = 8000

let root: string
let dataDir: string
const cli = cliOn(() => dataDir)
let top50: string[]
/** Model ids by what they are conditioned on. */
const models: Record<'none' | 'tags' | 'glove' | 'speaker', number> = { none: 0, tags: 0, glove: 0, speaker: 0 }

const train = (...args: string[]) => cli('train-wavenet', '--preset', 'tiny', '--epochs', '1', '--json', ...args)
const specOf = async (r: { json: Record<string, unknown> }): Promise<WavenetSpec> => (await readCheckpointMeta(r.json.checkpointPath as string)).extra.spec as WavenetSpec
const expectRefused = (args: string[], message: RegExp) => expectRefusedNothingWritten(cli, args, message, join(root, 'refused.wav'))

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-wavenet-music-'))
  dataDir = join(root, 'data')
  const mtat = await cli('import-mtat', resolve('test/fixtures/mtat/dataset'), '--json')
  expect(mtat.code).toBe(0)
  top50 = mtat.json.top50 as string[]
  expect((await cli('import-glove', GLOVE)).code).toBe(0) // dataset 2
  expect((await cli('import-vctk', resolve('test/fixtures/vctk/v080'))).code).toBe(0) // dataset 3
  // Dataset 4: GloVe vectors for words of two of the VCTK fixture's three sentences.
  const speech = join(root, 'speech.4d.txt')
  writeFileSync(speech, ['please 1 0 0 0', 'stella 0 1 0 0', 'snow 0 0 1 0', 'peas 0 0 0 1'].join('\n') + '\n')
  expect((await cli('import-glove', speech)).code).toBe(0)
}, 120_000)
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('train-wavenet on MagnaTagATune', () => {
  it('unconditioned by default: the --json figures, the missing clip counted, the loss in range', async () => {
    const r = await train('--dataset', '1')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json).toMatchObject({ receptiveField: 17, crop: 273, epochs: 1, reason: 'epochs', speakers: [], vector: null, zeroVectors: 0, missing: 1, skipped: [], mel: null })
    const clips = r.json.clips as { train: number; valid: number }
    expect(clips.train + clips.valid).toBe(23)
    expect(r.json.validNll).toBeGreaterThan(0)
    expect(r.json.validNll).toBeLessThan(Math.log(256))
    expect((await specOf(r)).sampleRate).toBe(RATE)
    models.none = r.json.modelId as number
  }, 120_000)

  it('--condition tags: a multi-hot over the import\'s top tags, kept in the spec', async () => {
    const r = await train('--dataset', '1', '--condition', 'tags')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json.vector).toEqual({ kind: 'tags', width: top50.length, tags: top50 })
    expect(r.json.zeroVectors).toBe(0)
    const spec = await specOf(r)
    expect(spec.vector).toEqual(r.json.vector)
    expect(spec.options.globalChannels).toBe(top50.length)
    models.tags = r.json.modelId as number
    // A resumed run keeps the checkpoint's vocabulary and conditioning, whatever the default.
    const again = await cli('train-wavenet', '--preset', 'tiny', '--dataset', '1', '--epochs', '2', '--resume', String(r.json.checkpointId), '--json')
    expect(again.code, again.errors.join('\n')).toBe(0)
    expect(again.json).toMatchObject({ modelId: models.tags, epochs: 2, vector: r.json.vector })
  }, 180_000)

  it('--condition glove --glove 2: the set\'s dimension; clips none of whose tag words GloVe knows are counted', async () => {
    const r = await train('--dataset', '1', '--condition', 'glove', '--glove', '2')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json.vector).toEqual({ kind: 'glove', width: 8, gloveId: 2, dim: 8, from: 'tags' })
    const known = new Set(readFileSync(GLOVE, 'utf8').split('\n').map((l) => l.split(' ')[0]))
    const zero = await withLibrary(dataDir, (lib) => lib.clips.list({ datasetId: 1 }).filter((c) => !c.tags.some((t) => t.split(' ').some((w) => known.has(w)))).length)
    expect(r.json.zeroVectors).toBe(zero)
    expect((await specOf(r)).options.globalChannels).toBe(8)
    models.glove = r.json.modelId as number
  }, 120_000)
})

describe('train-wavenet on VCTK transcripts\' GloVe vectors', () => {
  it('--condition glove: the mean vector of transcript words; the sentence with none of them gets zero', async () => {
    const r = await train('--dataset', '3', '--condition', 'glove', '--glove', '4')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json).toMatchObject({ vector: { kind: 'glove', width: 4, gloveId: 4, dim: 4, from: 'transcript' }, speakers: [] })
    // "Ask her to bring these things.": one of three sentences, spoken by each of the 4 speakers.
    expect(r.json.zeroVectors).toBe(4)
    const s = await train('--dataset', '3')
    expect(s.code, s.errors.join('\n')).toBe(0)
    models.speaker = s.json.modelId as number
  }, 120_000)
})

describe('generate from vector-conditioned models', () => {
  const out = (name: string) => join(root, name)
  const gen = (model: number, file: string, ...more: string[]) => cli('generate', '--model', String(model), '--out', out(file), '--seconds', '0.05', '--seed', '5', '--json', ...more)
  const bytes = (file: string) => readFileSync(out(file))

  it('--tags gives the multi-hot: the same file as --vector of it, another tag another file', async () => {
    const r = await gen(models.tags, 'tags.wav', '--tags', 'guitar,slow')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json).toMatchObject({ modelId: models.tags, vectorFrom: 'tags', speaker: null, sampleRate: RATE, samples: 400 })
    const wav = decodeWav(new Uint8Array(bytes('tags.wav')), 'tags.wav')
    expect(wav.channels).toHaveLength(1)
    expect(wav.channels[0]).toHaveLength(400)
    writeFileSync(out('hot.json'), JSON.stringify(top50.map((t) => (t === 'guitar' || t === 'slow' ? 1 : 0))))
    const v = await gen(models.tags, 'vector.wav', '--vector', out('hot.json'))
    expect(v.code, v.errors.join('\n')).toBe(0)
    expect(v.json.vectorFrom).toBe('vector')
    expect(bytes('vector.wav').equals(bytes('tags.wav'))).toBe(true)
    expect((await gen(models.tags, 'piano.wav', '--tags', 'piano')).code).toBe(0)
    expect(bytes('piano.wav').equals(bytes('tags.wav'))).toBe(false)
  }, 60_000)

  it('--text gives the GloVe mean of its words; --vector {"vector": [...]} of the width', async () => {
    const r = await gen(models.glove, 'text.wav', '--text', 'slow piano')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(r.json).toMatchObject({ vectorFrom: 'text', samples: 400 })
    writeFileSync(out('v8.json'), JSON.stringify({ vector: [0.5, -0.25, 0, 1, 0, 0, 0.125, -1] }))
    const v = await gen(models.glove, 'v8.wav', '--vector', out('v8.json'))
    expect(v.code, v.errors.join('\n')).toBe(0)
    expect(bytes('v8.wav').equals(bytes('text.wav'))).toBe(false)
  }, 60_000)

  it('each mismatch is refused in one line, nothing written', async () => {
    const g = (model: number, ...more: string[]) => ['generate', '--model', String(model), '--out', join(root, 'refused.wav'), '--seconds', '0.05', ...more]
    writeFileSync(out('v3.json'), '[1, 0, 0]')
    writeFileSync(out('bad.json'), '{"vector": "loud"}')
    await expectRefused(g(models.tags, '--vector', out('v3.json')), new RegExp(`^error: --vector: 3 values; model ${models.tags} takes a global vector of ${top50.length}$`))
    await expectRefused(g(models.glove, '--vector', out('v3.json')), new RegExp(`^error: --vector: 3 values; model ${models.glove} takes a global vector of 8$`))
    await expectRefused(g(models.tags, '--vector', out('bad.json')), /^error: --vector .*bad\.json: not a JSON array of numbers \(or an object whose "vector" is one\)$/)
    await expectRefused(g(models.tags, '--tags', 'guitar,jazz'), new RegExp(`^error: tag "jazz": not in model ${models.tags}'s vocabulary \\(${top50.join(', ')}\\)$`))
    await expectRefused(g(models.glove, '--text', 'qwerty zzz'), /^error: --text "qwerty zzz": none of its words is in GloVe set 2$/)
    await expectRefused(g(models.speaker, '--vector', out('v3.json')), new RegExp(`^error: --vector: model ${models.speaker} is conditioned on the speaker \\(p225, p226, p227, p228\\), not on a vector; give --speaker CODE$`))
    await expectRefused(g(models.none, '--tags', 'guitar'), new RegExp(`^error: --tags: model ${models.none} takes no global conditioning; leave out --tags$`))
    await expectRefused(g(models.tags, '--speaker', 'p225'), new RegExp(`^error: speaker p225: model ${models.tags} is conditioned on a multi-hot over ${top50.length} tags, not on speakers; give --tags T1,T2 or --vector FILE.json$`))
    await expectRefused(g(models.tags), new RegExp(`^error: model ${models.tags}: conditioned on a multi-hot over ${top50.length} tags; give --tags`))
    await expectRefused(g(models.tags, '--text', 'slow'), /^error: --text: model \d+ is conditioned on a multi-hot over \d+ tags, not on GloVe words; give --tags$/)
    expect(existsSync(join(root, 'refused.wav'))).toBe(false)
  }, 120_000)
})

describe('train-wavenet refusals', () => {
  it('conditioning the dataset cannot feed is refused in one line, the library unchanged', async () => {
    const before = await withLibrary(dataDir, (lib) => lib.snapshot())
    const refused = async (args: string[], message: RegExp, code = 1) => {
      const r = await cli('train-wavenet', '--preset', 'tiny', ...args)
      expect(r.code, r.errors.join('\n')).toBe(code)
      expect(r.errors[0]).toMatch(message)
      // A usage error adds the usage line; a refusal is the one line.
      expect(r.errors).toHaveLength(code)
    }
    await refused(['--dataset', '1', '--condition', 'speaker'], /^error: --condition speaker: dataset 1 is a MagnaTagATune import, which has no speakers; condition on none, tags, glove or mel$/)
    await refused(['--dataset', '1', '--speakers', 'p225'], /^error: --speakers: dataset 1 is a MagnaTagATune import, which has no speakers$/)
    await refused(['--dataset', '3', '--condition', 'tags'], /^error: --condition tags: dataset 3 is a VCTK-format import, whose clips carry no tags/)
    await refused(['--dataset', '1', '--condition', 'glove'], /^error: --condition glove: give the GloVe set with --glove ID/)
    await refused(['--dataset', '1', '--condition', 'glove', '--glove', '3'], /^error: --glove 3: a vctk dataset, not a GloVe set \(import-glove\)$/)
    await refused(['--dataset', '1', '--condition', 'glove', '--glove', '9'], /^error: --glove 9: not in the library/)
    await refused(['--dataset', '1', '--condition', 'tags', '--glove', '2'], /^error: --glove 2: only glove conditioning uses a GloVe set/)
    await refused(['--dataset', '1', '--condition', 'words'], /^error: --condition: "words" is not one of speaker, none, mel, speaker\+mel, tags, tags\+mel, glove, glove\+mel$/, 2)
    expect(await withLibrary(dataDir, (lib) => lib.snapshot())).toEqual(before)
  }, 120_000)
})
