/**
 * Dense global vectors of WaveNet conditioning: the tags multi-hot over the tagger's vocabulary (the
 * MTAT fixture's top tags), GloVe words of text and tags, their mean vector against a sum written out
 * here, the zero vector when no word is known; the batches carrying each crop's clip vector; and the
 * generation side (jobs/wavenet-global.ts) building the same vectors and refusing every mismatch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Library } from '../../../src-main/library/library'
import { importMtat } from '../../../src-main/datasets/mtat/import'
import { importGlove } from '../../../src-main/datasets/glove/import'
import { loadGlove } from '../../../src-main/datasets/glove/load'
import { taggingSet } from '../../../src-main/datasets/mtat/tagging-set'
import { meanVector, multiHot, tagVocabulary, tagWords, textWords } from '../../../src-main/datasets/wavenet-vectors'
import { WavenetBatches, type WavenetClip } from '../../../src-main/datasets/wavenet-batches'
import { muLawEncode } from '../../../src-main/dsp/mulaw'
import { globalInput } from '../../../src-main/jobs/wavenet-global'
import { wavenetSize, wavenetSpec, type WavenetSpec } from '../../../src-main/engine/train/wavenet'
import type { Embeddings } from '../../../src-main/datasets/glove/embeddings'

const GLOVE = resolve('test/fixtures/glove/glove.fixture.8d.txt')
/** float32 sums of a few values: far below any difference between the fixture's vectors. */
const TOL = 1e-6

let dir: string
let lib: Library
let glove: Embeddings
let gloveId: number
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eb-wn-vectors-'))
  lib = Library.open(dir)
  importMtat(lib, resolve('test/fixtures/mtat/dataset'))
  gloveId = (await importGlove(lib, GLOVE)).datasetId
  glove = (await loadGlove(GLOVE)).embeddings
})
afterAll(() => {
  lib.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The plain mean of the vectors of `words` GloVe knows. */
function plainMean(words: string[]): number[] {
  const known = words.map((w) => glove.lookup(w)).filter((v) => v !== undefined)
  return Array.from({ length: 8 }, (_, d) => known.reduce((s, v) => s + v[d]!, 0) / known.length)
}

describe('tag vectors', () => {
  it('the vocabulary is the tagger\'s: the top tags by usable-clip count', () => {
    const vocab = tagVocabulary(lib, 1)
    expect(vocab).toEqual(taggingSet(lib, 1).tags)
    expect(vocab.length).toBeGreaterThan(5)
    expect(vocab).toContain('guitar')
  })

  it('a clip\'s multi-hot is its tagging-set labels', () => {
    const vocab = tagVocabulary(lib, 1)
    const labels = new Map(taggingSet(lib, 1).items.map((i) => [i.clipId, i.labels]))
    for (const c of lib.clips.list({ datasetId: 1 })) expect(Array.from(multiHot(c.tags, vocab))).toEqual(Array.from(labels.get(c.id)!))
    expect(Array.from(multiHot(['slow', 'jazz', 'slow'], ['fast', 'slow']))).toEqual([0, 1])
  })
})

describe('GloVe vectors', () => {
  it('words of text and of tags as GloVe spells them', () => {
    expect(textWords("Please call Stella's  DOG, 'now'!")).toEqual(['please', 'call', "stella's", 'dog', 'now'])
    expect(tagWords(['no vocals', 'slow'])).toEqual(['no', 'vocals', 'slow'])
  })

  it('the mean of the known words (repeats counted), unknown words skipped, zero when none is known', () => {
    const words = ['slow', 'piano', 'qwerty', 'piano']
    const { vector, found } = meanVector(glove, words)
    expect(found).toBe(3)
    Array.from(vector).forEach((v, d) => expect(Math.abs(v - plainMean(words)[d]!)).toBeLessThan(TOL))
    expect(meanVector(glove, ['qwerty', 'zzz'])).toEqual({ vector: new Float32Array(8), found: 0 })
  })
})

describe('WavenetBatches with clip vectors', () => {
  it('each crop carries its own clip\'s vector [size, width]', async () => {
    const audio = [0, 1, 2].map((k) => Float32Array.from({ length: 300 }, (_, i) => Math.sin(i * (0.1 + k * 0.05))))
    const clips: WavenetClip[] = audio.map((a, i) => ({ clipId: i, length: a.length, speaker: 0, global: Float32Array.from([i, 10 + i]) }))
    const b = new WavenetBatches({ clips, load: async (i) => audio[i]!, receptiveField: 5, targets: 20, batch: 4, seed: 1 })
    let crops = 0
    for await (const x of b.epoch(0)) {
      expect(x.global).toHaveLength(x.size * 2)
      for (let k = 0; k < x.size; k++) {
        const i = x.global![2 * k]!
        expect(x.global![2 * k + 1]).toBe(10 + i)
        // The crop's levels are that clip's audio from the crop's start: the vector is its own clip's.
        const start = x.starts![k]!
        expect(Array.from(x.input.subarray(k * 24, (k + 1) * 24))).toEqual(Array.from(muLawEncode(audio[i]!.subarray(start, start + 24), 256)))
        crops++
      }
    }
    expect(crops).toBe(b.cropsPerEpoch)
    expect(() => new WavenetBatches({ clips: [clips[0]!, { ...clips[1]!, global: new Float32Array(3) }], load: async (i) => audio[i]!, receptiveField: 5, targets: 20, batch: 4, seed: 1 })).toThrow(/different widths/)
  })
})

describe('globalInput (generation)', () => {
  const size = wavenetSize(1, 2, 4)
  const tags = ['guitar', 'slow', 'piano']
  const tagSpec = wavenetSpec(size, [], 8000, 16, undefined, { kind: 'tags', width: 3, tags })
  const gloveSpec = (): WavenetSpec => wavenetSpec(size, [], 8000, 16, undefined, { kind: 'glove', width: 8, gloveId, dim: 8, from: 'tags' })
  const speakerSpec = wavenetSpec(size, [{ id: 1, code: 'p225' }, { id: 2, code: 'p226' }], 8000, 16)
  const plain = wavenetSpec(size, [], 8000, 16)

  it('tags give the multi-hot (a merged synonym counts as its tag), text the GloVe mean, a vector itself', async () => {
    expect(tagSpec.options.globalChannels).toBe(3)
    expect(await globalInput(lib, tagSpec, { tags: ['slow', 'guitar'] }, 7)).toEqual({ speaker: null, vectorFrom: 'tags', global: [1, 1, 0] })
    // "guitars" was merged into "guitar" by the MTAT import.
    expect((await globalInput(lib, tagSpec, { tags: ['guitars'] }, 7)).global).toEqual([1, 0, 0])
    const text = await globalInput(lib, gloveSpec(), { text: 'Slow, slow piano' }, 7)
    expect(text.vectorFrom).toBe('text')
    text.global!.forEach((v, d) => expect(Math.abs(v - plainMean(['slow', 'slow', 'piano'])[d]!)).toBeLessThan(TOL))
    const byTags = await globalInput(lib, gloveSpec(), { tags: ['piano'] }, 7)
    byTags.global!.forEach((v, d) => expect(Math.abs(v - plainMean(['piano'])[d]!)).toBeLessThan(TOL))
    expect(await globalInput(lib, tagSpec, { vector: [0.5, -1, 2] }, 7)).toEqual({ speaker: null, vectorFrom: 'vector', global: [0.5, -1, 2] })
    expect(await globalInput(lib, speakerSpec, { speaker: 'p226' }, 7)).toEqual({ speaker: 'p226', vectorFrom: null, global: [0, 1] })
    expect(await globalInput(lib, plain, {}, 7)).toEqual({ speaker: null, vectorFrom: null })
  })

  it('refuses each mismatch in one line', async () => {
    const refused = (spec: WavenetSpec, ask: Parameters<typeof globalInput>[2], re: RegExp) => expect(globalInput(lib, spec, ask, 7)).rejects.toThrow(re)
    await refused(tagSpec, { vector: [1, 2] }, /^--vector: 2 values; model 7 takes a global vector of 3$/)
    await refused(tagSpec, { vector: [1, Number.NaN, 2] }, /^--vector: value 2 \(NaN\) is not a finite number$/)
    await refused(tagSpec, { tags: ['jazz'] }, /^tag "jazz": not in model 7's vocabulary \(guitar, slow, piano\)$/)
    await refused(tagSpec, { text: 'slow' }, /^--text: model 7 is conditioned on a multi-hot over 3 tags, not on GloVe words; give --tags$/)
    await refused(gloveSpec(), { text: 'qwerty zzz' }, /^--text "qwerty zzz": none of its words is in GloVe set \d+$/)
    await refused(speakerSpec, { vector: [1, 0] }, /^--vector: model 7 is conditioned on the speaker \(p225, p226\), not on a vector; give --speaker CODE$/)
    await refused(plain, { tags: ['slow'] }, /^--tags: model 7 takes no global conditioning; leave out --tags$/)
    await refused(tagSpec, { speaker: 'p225' }, /^speaker p225: model 7 is conditioned on a multi-hot over 3 tags, not on speakers; give --tags T1,T2 or --vector FILE.json$/)
    await refused(tagSpec, {}, /^model 7: conditioned on a multi-hot over 3 tags; give --tags T1,T2 or --vector FILE.json$/)
    await refused(gloveSpec(), { tags: ['slow'], text: 'slow' }, /^--tags, --text: give one of --tags, --text and --vector$/)
    await refused({ ...gloveSpec(), vector: { kind: 'glove', width: 8, gloveId: 1, dim: 8, from: 'tags' } }, { text: 'slow' }, /^model 7: dataset 1 is a mtat dataset, not a GloVe set/)
  })
})
