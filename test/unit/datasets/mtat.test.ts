import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Library } from '../../../src-main/library/library'
import { importMtat } from '../../../src-main/datasets/mtat/import'
import { MTAT_SYNONYM_GROUPS } from '../../../src-main/datasets/mtat/synonyms'
import { UserError } from '../../../src-main/util/errors'
import { measureDurations } from '../../../src-main/datasets/durations'
import { loadTaggingSet } from '../../../src-main/api/datasets'
import { MTAT_CLIPS, mtatThreeRows } from './field-inputs'

const FIXTURE = resolve('test/fixtures/mtat/dataset')

/** The fixture CSV read naively (it has no embedded tabs or quotes), for independent expectations. */
function naiveCsv(dir: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(join(dir, 'annotations_final.csv'), 'utf8').split('\r\n').filter((l) => l !== '')
  const cells = lines.map((l) => l.split('\t').map((c) => c.replace(/^"|"$/g, '')))
  const header = cells[0]!
  const rows = cells.slice(1).filter((r) => r.length === header.length && r.slice(1, -1).every((v) => v === '0' || v === '1'))
  return { header, rows }
}

let work: string
let lib: Library
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'eb-mtat-'))
  lib = Library.open(join(work, 'data'))
})
afterEach(() => {
  lib.close()
  rmSync(work, { recursive: true, force: true })
})

/** Snapshot without import timestamps (they change on every import by design). */
const contents = (l: Library): Record<string, unknown[]> => {
  const s = l.snapshot()
  s.datasets = s.datasets!.map((d) => ({ ...(d as object), imported_at: undefined }))
  return s
}

describe('importMtat on the rendered fixture', () => {
  it('imports clips, reports bad rows by line and the missing MP3', () => {
    const r = importMtat(lib, FIXTURE)
    const { rows } = naiveCsv(FIXTURE)
    expect(r.clips).toBe(rows.length)
    expect(r.clips).toBe(24)
    expect(r.missingAudio).toBe(1)
    expect(r.usable).toBe(23)
    expect(r.unusable).toEqual([])
    expect(r.skippedRows).toEqual([
      { line: 12, reason: 'expected 35 fields, found 34' },
      { line: 18, reason: 'tag "clasical": "x" is not 0 or 1' }
    ])
    const missing = lib.clips.list({ datasetId: r.datasetId, includeUnusable: true }).filter((c) => c.missing)
    expect(missing).toHaveLength(1)
    expect(missing[0]!.path).toMatch(/\.mp3$/)
    // Listings leave the missing clip out unless asked.
    const withAudio = lib.clips.list({ datasetId: r.datasetId })
    expect(withAudio).toHaveLength(23)
    // The MP3 header gives the rate at import; the length needs a decode.
    expect(withAudio.every((c) => c.sampleRate === 16000 && c.durationS === null)).toBe(true)
    // Titles come from clip_info_final.csv.
    expect(withAudio.every((c) => c.artist === 'Fixture Band' && /Allegro|Adagio/.test(c.title ?? ''))).toBe(true)
  })

  it('merges synonyms into the first name of each group and ranks the top tags by clip count', () => {
    const r = importMtat(lib, FIXTURE)
    const { header, rows } = naiveCsv(FIXTURE)
    const raw = header.slice(1, -1)
    const canonical = (t: string): string => MTAT_SYNONYM_GROUPS.find((g) => g.includes(t))?.[0] ?? t
    const expected = new Map<string, number>()
    // Tags are counted over clips with audio, as clips and the tagging set list them.
    for (const row of rows.filter((r) => existsSync(join(FIXTURE, r[r.length - 1]!)))) {
      const merged = new Set(raw.filter((_, i) => row[i + 1] === '1').map(canonical))
      for (const m of merged) expected.set(m, (expected.get(m) ?? 0) + 1)
    }
    expect(r.rawTags).toBe(33)
    expect(r.tags).toBe(new Set(raw.map(canonical)).size)
    expect(r.tags).toBe(18)
    const ranked = [...expected].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([n]) => n)
    expect(r.top50).toEqual(ranked.slice(0, 50))
    // Every spelling the fixture used is gone as a tag and answers as an alias.
    for (const [alias, name] of [['violins', 'violin'], ['quick', 'fast'], ['fast beat', 'fast'], ['harpsicord', 'harpsichord'], ['instrumental', 'no singer'], ['clasical', 'classical']]) {
      expect(lib.tags.resolve(alias!)?.name).toBe(name)
    }
    const counts = new Map(lib.tags.counts({ datasetId: r.datasetId }).map((t) => [t.name, t.clips]))
    expect(counts.get('violins')).toBeUndefined()
    expect(counts.get('violin')).toBe(expected.get('violin'))
    expect(lib.clips.count({ tags: ['violins'] })).toBe(expected.get('violin'))
    expect(lib.clips.count({ tags: ['violin', 'fast'] })).toBeGreaterThan(0)
  })

  it('splits 95/5 with a seed, the same every time, and takes an external split list', () => {
    const a = importMtat(lib, FIXTURE)
    // Split counts are of usable clips: the clip without audio (in train) is not counted.
    expect(a.split).toEqual({ train: 22, valid: 1, test: 0 })
    const splitOf = (l: Library): string[] => l.clips.list({ includeUnusable: true }).map((c) => `${c.sourceKey}:${c.split}`)
    const other = Library.open(join(work, 'other'))
    try {
      importMtat(other, FIXTURE)
      expect(splitOf(other)).toEqual(splitOf(lib))
    } finally {
      other.close()
    }
    const keys = lib.clips.list().map((c) => c.sourceKey)
    const path = lib.clips.list()[3]!.path.slice(FIXTURE.length + 1)
    const listFile = join(work, 'split.tsv')
    writeFileSync(listFile, `# my split\n${keys[0]}\ttrain\n${keys[1]},validation\n${path} test\n99999 train\n`)
    const b = importMtat(lib, FIXTURE, { splitFile: listFile })
    expect(b.splitSource).toBe('file')
    expect(b.split).toEqual({ train: 1, valid: 1, test: 1 })
    expect(b.splitUnmatched).toBe(1)
    expect(lib.clips.splitCounts(b.datasetId).none).toBe(20)
    writeFileSync(listFile, `${keys[0]} train\n${keys[1]} holdout\n`)
    expect(() => importMtat(lib, FIXTURE, { splitFile: listFile })).toThrow(/split\.tsv line 2: expected/)
  })

  it('gives the tagger its set: top tags and multi-hot labels for one split, audio present only', () => {
    const r = importMtat(lib, FIXTURE)
    const train = loadTaggingSet(lib, r.datasetId, { split: 'train' })
    expect(train.tags).toEqual(r.top50)
    const missing = lib.clips.list({ datasetId: r.datasetId, includeUnusable: true }).find((c) => c.missing)!
    expect(train.items.length + loadTaggingSet(lib, r.datasetId, { split: 'valid' }).items.length).toBe(23)
    expect(train.items.some((i) => i.clipId === missing.id)).toBe(false)
    const clip = lib.clips.list({ datasetId: r.datasetId }).find((c) => c.id === train.items[0]!.clipId)!
    expect(train.tags.filter((_, i) => train.items[0]!.labels[i] === 1)).toEqual(train.tags.filter((t) => clip.tags.includes(t)))
    expect(loadTaggingSet(lib, r.datasetId, { top: 3 }).tags).toEqual(r.top50.slice(0, 3))
  })

  it('is idempotent: a second import changes nothing and keeps clip ids', () => {
    const first = importMtat(lib, FIXTURE)
    const before = contents(lib)
    const second = importMtat(lib, FIXTURE)
    expect(second).toEqual(first)
    expect(contents(lib)).toEqual(before)
  })

  it('leaves the library exactly as it was when an import fails midway', () => {
    // Fails on an empty library: nothing at all is written.
    const empty = lib.snapshot()
    expect(() =>
      importMtat(lib, FIXTURE, {
        afterRow: (n) => {
          if (n === 10) throw new Error('injected failure after 10 rows')
        }
      })
    ).toThrow('injected failure')
    expect(lib.snapshot()).toEqual(empty)

    // Fails while re-importing a folder whose CSV changed: the earlier import survives whole.
    const changed = join(work, 'changed')
    cpSync(FIXTURE, changed, { recursive: true })
    importMtat(lib, FIXTURE)
    importMtat(lib, changed)
    const imported = lib.snapshot()
    const csv = readFileSync(join(FIXTURE, 'annotations_final.csv'), 'utf8')
    // Every tag cleared and every second clip dropped: many rows would change.
    const lines = csv.split('\r\n')
    writeFileSync(join(changed, 'annotations_final.csv'), lines.filter((_, i) => i < 2 || i % 2 === 0).join('\r\n').replace(/"1"/g, '"0"'))
    let rows = 0
    expect(() =>
      importMtat(lib, changed, {
        afterRow: (n) => {
          rows = n
          if (n === 8) throw new Error('injected failure after 8 rows')
        }
      })
    ).toThrow('injected failure')
    expect(rows).toBe(8)
    expect(lib.snapshot()).toEqual(imported)
  })

  it('measures MP3 durations by decoding, and keeps them over a re-import', async () => {
    const r = importMtat(lib, FIXTURE)
    expect(lib.clips.list().every((c) => c.durationS === null)).toBe(true)
    const d = await measureDurations(lib, { datasetId: r.datasetId })
    expect(d).toEqual({ measured: 23, failed: [] })
    const clips = lib.clips.list()
    // The generator renders 2 s; MP3 framing pads by up to a few frames (1152 samples each at 16 kHz).
    for (const c of clips) {
      expect(c.sampleRate).toBe(16000)
      expect(c.durationS!).toBeGreaterThanOrEqual(2)
      expect(c.durationS!).toBeLessThan(2.3)
    }
    expect(lib.clips.withoutDuration()).toHaveLength(0)
    importMtat(lib, FIXTURE)
    expect(lib.clips.list().map((c) => c.durationS)).toEqual(clips.map((c) => c.durationS))
  })

  it('refuses a folder without annotations, and a broken header, with one clear line', () => {
    expect(() => importMtat(lib, join(work, 'nope'))).toThrow(/MagnaTagATune folder .*nope: not a folder/)
    const empty = join(work, 'empty')
    cpSync(join(FIXTURE, '0'), join(empty, '0'), { recursive: true })
    expect(() => importMtat(lib, empty)).toThrow(UserError)
    writeFileSync(join(empty, 'annotations_final.csv'), '"id"\t"guitar"\r\n"1"\t"1"\r\n')
    expect(() => importMtat(lib, empty)).toThrow(/header must be clip_id, the tag names, mp3_path/)
    writeFileSync(join(empty, 'annotations_final.csv'), '"clip_id"\t"guitar"\t"mp3_path"\r\n"1"\t"x"\t"0/a.mp3"\r\n')
    const before = lib.snapshot()
    expect(() => importMtat(lib, empty)).toThrow(new UserError(`${join(empty, 'annotations_final.csv')}: no clip rows (1 skipped; line 2: tag "guitar": "x" is not 0 or 1)`))
    expect(lib.snapshot()).toEqual(before)
    writeFileSync(join(empty, 'annotations_final.csv'), '"clip_id"\t"guitar"\t"mp3_path"\r\n')
    expect(() => importMtat(lib, empty)).toThrow(/annotations_final\.csv: no clip rows$/)
    writeFileSync(join(empty, 'annotations_final.csv'), '"clip_id"\t"guitar"\t"mp3_path"\r\n"1"\t"1\t"0/a.mp3"\r\n')
    expect(() => importMtat(lib, empty)).toThrow(/annotations_final\.csv line \d+:/)
  })
})

describe('issue 12 field inputs: MagnaTagATune', () => {
  it('kind 1: an empty and a random-bytes MP3 are recorded unusable with the reason; clips, splits and the tagging set leave them out', () => {
    const root = mtatThreeRows(join(work, 'three'))
    const r = importMtat(lib, root)
    expect(r).toMatchObject({ clips: 3, usable: 1, missingAudio: 0, skippedRows: [], split: { train: 1, valid: 0, test: 0 } })
    expect(r.unusable).toEqual([
      { clip: MTAT_CLIPS.empty, path: join(root, '0', 'empty.mp3'), reason: 'file is empty' },
      { clip: MTAT_CLIPS.random, path: join(root, '0', 'random.mp3'), reason: expect.stringMatching(/^not a recognised audio file \(/) }
    ])
    expect(lib.clips.list().map((c) => c.sourceKey)).toEqual([MTAT_CLIPS.good])
    expect(lib.clips.count({ tags: ['rock'] })).toBe(0)
    expect(lib.clips.list({ includeUnusable: true }).map((c) => [c.sourceKey, c.split, c.unusable?.split(' (')[0] ?? null])).toEqual([
      [MTAT_CLIPS.good, 'train', null],
      [MTAT_CLIPS.empty, 'train', 'file is empty'],
      [MTAT_CLIPS.random, 'train', 'not a recognised audio file']
    ])
    const set = loadTaggingSet(lib, r.datasetId)
    expect(set.items.map((i) => i.path)).toEqual([join(root, '0', 'good.mp3')])
    expect(loadTaggingSet(lib, r.datasetId, { split: 'train' }).items).toHaveLength(1)
    // Re-importing is idempotent, unusable clips included.
    const before = contents(lib)
    expect(importMtat(lib, root)).toEqual(r)
    expect(contents(lib)).toEqual(before)
  })

  it('--durations records a decode failure as unusable; a re-import checks it again; once the file decodes it is usable again', async () => {
    const root = mtatThreeRows(join(work, 'cut'))
    const good = readFileSync(join(root, '0', 'good.mp3'))
    writeFileSync(join(root, '0', 'cut.mp3'), good)
    writeFileSync(join(root, 'annotations_final.csv'), readFileSync(join(root, 'annotations_final.csv'), 'utf8') + '"57882"\t"1"\t"0"\t"0/cut.mp3"\r\n')
    const r = importMtat(lib, root)
    expect(r).toMatchObject({ clips: 4, usable: 2 })
    // Cut off after 50 bytes once imported (a sync tool stopped mid-copy): the decode finds no frame.
    writeFileSync(join(root, '0', 'cut.mp3'), good.subarray(0, 50))
    const d = await measureDurations(lib, { datasetId: r.datasetId })
    expect(d.measured).toBe(1)
    expect(d.failed).toEqual([{ clip: '57882', path: join(root, '0', 'cut.mp3'), reason: expect.stringMatching(/^not a recognised audio file/) }])
    expect(lib.clips.list().map((c) => c.sourceKey)).toEqual([MTAT_CLIPS.good])
    expect(lib.clips.splitCounts(r.datasetId).train).toBe(1)
    // The header reader now sees the cut too: a re-import keeps it unusable...
    expect(importMtat(lib, root).usable).toBe(1)
    expect(lib.clips.list().map((c) => c.sourceKey)).toEqual([MTAT_CLIPS.good])
    // ...until the file is whole again.
    writeFileSync(join(root, '0', 'cut.mp3'), good)
    expect(importMtat(lib, root).usable).toBe(2)
    expect(await measureDurations(lib, { datasetId: r.datasetId })).toEqual({ measured: 1, failed: [] })
    expect(lib.clips.list().map((c) => c.sourceKey)).toEqual([MTAT_CLIPS.good, '57882'])
  })

  it('an MP3 cut off inside its first frame is unusable at import', () => {
    const root = mtatThreeRows(join(work, 'cut-early'))
    writeFileSync(join(root, '0', 'good.mp3'), readFileSync(join(root, '0', 'good.mp3')).subarray(0, 50))
    const r = importMtat(lib, root)
    expect(r.usable).toBe(0)
    expect(r.unusable.find((u) => u.clip === MTAT_CLIPS.good)?.reason).toMatch(/^not a recognised audio file/)
  })

  it('a re-import checks each header afresh: a fixed file is usable, an emptied one is not', () => {
    const root = mtatThreeRows(join(work, 'fixed'))
    const r = importMtat(lib, root)
    copyFileSync(join(root, '0', 'good.mp3'), join(root, '0', 'empty.mp3'))
    writeFileSync(join(root, '0', 'good.mp3'), new Uint8Array(0))
    const again = importMtat(lib, root)
    expect(again.unusable.map((u) => [u.clip, u.reason.split(' (')[0]])).toEqual([
      [MTAT_CLIPS.good, 'file is empty'],
      [MTAT_CLIPS.random, 'not a recognised audio file']
    ])
    expect(lib.clips.list({ datasetId: r.datasetId }).map((c) => [c.sourceKey, c.sampleRate])).toEqual([[MTAT_CLIPS.empty, 16000]])
  })
})
