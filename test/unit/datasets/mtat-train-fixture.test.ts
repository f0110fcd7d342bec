import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import type { Library } from '../../../src-main/library/library'
import { tempLibrary } from '../library/helpers'
import { importMtat } from '../../../src-main/datasets/mtat/import'
import { taggingSet } from '../../../src-main/datasets/mtat/tagging-set'
import { MTAT_SYNONYM_GROUPS } from '../../../src-main/datasets/mtat/synonyms'
import { decodeFile } from '../../../src-main/audio/index'
import type { Split } from '../../../src-main/library/clips'

/** What test/fixtures/mtat-train/generate.py says it wrote (fixture.json beside each version's CSV). */
interface Manifest {
  clips: number
  seconds: number
  sampleRate: number
  split: Record<Split, number>
  tags: string[]
  spellings: Record<string, string[]>
  tagClips: Record<string, Record<Split, number>>
}

const VERSIONS = [
  { name: 'full', dir: resolve('test/fixtures/mtat-train/dataset'), split: { train: 240, valid: 20, test: 60 }, seconds: 10 },
  { name: 'small', dir: resolve('test/fixtures/mtat-train/small'), split: { train: 48, valid: 4, test: 12 }, seconds: 4 }
]
const SPLITS: Split[] = ['train', 'valid', 'test']
/** LAME's encoder delay in samples (576 + 529 decoder delay) and an MPEG-2 layer III frame. */
const LAME_DELAY = 1105
const MPEG2_FRAME = 576
/** The real archive's tag columns: all 188 are in the fixture's header. */
const REAL_TAG_COLUMNS = 188

const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as Manifest
/** The standard split by folder: 0-b train, c valid, d-f test. */
const folderSplit = (path: string): Split => {
  const f = parseInt(path.split('/')[0]!, 16)
  return f < 12 ? 'train' : f === 12 ? 'valid' : 'test'
}

let temp: ReturnType<typeof tempLibrary>
let lib: Library
beforeEach(() => {
  temp = tempLibrary()
  lib = temp.lib
})
afterEach(() => temp.dispose())

describe.each(VERSIONS)('the MTAT training fixture ($name)', ({ dir, split, seconds }) => {
  it('imports every clip, usable, with the standard split by folder from splits-standard.txt', () => {
    const m = manifest(dir)
    expect(m.split).toEqual(split)
    expect(m.seconds).toBe(seconds)
    const r = importMtat(lib, dir, { splitFile: join(dir, 'splits-standard.txt') })
    expect(r.clips).toBe(split.train + split.valid + split.test)
    expect(r.usable).toBe(r.clips)
    expect(r.missingAudio).toBe(0)
    expect(r.unusable).toEqual([])
    expect(r.skippedRows).toEqual([])
    expect(r.splitSource).toBe('file')
    expect(r.splitUnmatched).toBe(0)
    expect(r.split).toEqual(split)
    const clips = lib.clips.list({ datasetId: r.datasetId })
    expect(clips.every((c) => c.split === folderSplit(relative(dir, c.path)))).toBe(true)
    expect(new Set(clips.map((c) => relative(dir, c.path).split('/')[0])).size).toBe(16)
  })

  it('merges the synonym columns into the generated tags, with the stated clip counts per split', () => {
    const m = manifest(dir)
    const r = importMtat(lib, dir, { splitFile: join(dir, 'splits-standard.txt') })
    expect(r.rawTags).toBe(REAL_TAG_COLUMNS)
    // Only the generated tags have clips, so they are the whole tagging vocabulary.
    expect(m.tags.length).toBeGreaterThanOrEqual(8)
    expect([...r.top50].sort()).toEqual([...m.tags].sort())
    for (const s of SPLITS) {
      const set = taggingSet(lib, r.datasetId, { split: s })
      expect(set.items).toHaveLength(split[s])
      const counts = Object.fromEntries(set.tags.map((t, i) => [t, set.items.filter((it) => it.labels[i] === 1).length]))
      expect(counts).toEqual(Object.fromEntries(m.tags.map((t) => [t, m.tagClips[t]![s]])))
    }
    // Every tag has positives and negatives in train and test, so each has an AUC there.
    for (const t of m.tags) {
      for (const s of ['train', 'test'] as const) {
        expect(m.tagClips[t]![s]).toBeGreaterThanOrEqual(2)
        expect(m.tagClips[t]![s]).toBeLessThanOrEqual(split[s] - 2)
      }
    }
    // Each spelling is a real synonym of its tag, and the CSV uses every one of them.
    // Read naively (no field holds a tab or a quote) to stay independent of the importer's parser.
    const [header, ...rows] = readFileSync(join(dir, 'annotations_final.csv'), 'utf8')
      .split('\r\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t').map((c) => c.slice(1, -1)))
    for (const [tag, names] of Object.entries(m.spellings)) {
      for (const name of names) {
        if (name !== tag) expect(MTAT_SYNONYM_GROUPS.find((g) => g.includes(name))?.[0]).toBe(tag)
        expect(lib.tags.resolve(name)?.name).toBe(tag)
        const col = header!.indexOf(name)
        expect(rows.some((row) => row[col] === '1')).toBe(true)
      }
    }
  })

  it(`decodes to ${seconds} s of 16 kHz mono, with LAME's delay and padding`, async () => {
    const r = importMtat(lib, dir)
    const clips = lib.clips.list({ datasetId: r.datasetId })
    for (const c of [clips[0]!, clips[Math.floor(clips.length / 2)]!, clips[clips.length - 1]!]) {
      const audio = await decodeFile(c.path)
      expect(audio.sampleRate).toBe(16000)
      expect(audio.channels).toHaveLength(1)
      // No LAME tag fits a 16 kbit/s frame (as in the real archive), so the encoder delay and the
      // padding up to a whole 576-sample frame stay in: the clip decodes to its length plus both.
      const extra = audio.channels[0]!.length - seconds * 16000 - LAME_DELAY
      expect(extra).toBeGreaterThanOrEqual(0)
      expect(extra).toBeLessThan(MPEG2_FRAME)
    }
  })
})
