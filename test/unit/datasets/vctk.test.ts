import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Library } from '../../../src-main/library/library'
import { importVctk } from '../../../src-main/datasets/vctk/import'
import { parseSpeakerInfo } from '../../../src-main/datasets/vctk/speaker-info'
import { decodeFile } from '../../../src-main/audio/index'
import { UserError } from '../../../src-main/util/errors'
import { DATASIZE_RATE, vctkDataSizes, vctkMic2Only } from './field-inputs'

const V080 = resolve('test/fixtures/vctk/v080')
const V092 = resolve('test/fixtures/vctk/v092')

let work: string
let lib: Library
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'eb-vctk-'))
  lib = Library.open(work)
})
afterEach(() => {
  lib.close()
  rmSync(work, { recursive: true, force: true })
})

describe('parseSpeakerInfo', () => {
  it('tolerates irregular spacing, numeric or p-prefixed ids, multi-word regions, remarks and comments', () => {
    const text = [
      'ID  AGE  GENDER  ACCENTS  REGION COMMENTS ',
      '; a comment',
      '225  23  F    English    Southern  England',
      'p315\t28  M American    Connecticut  (Text/mic2 files unavailable)',
      's5  22  f  British',
      '362  29  F    American   ',
      'bad line',
      '226 22 X English Surrey',
      'p225 30 F English Again'
    ].join('\r\n')
    const { speakers, skipped } = parseSpeakerInfo(text)
    expect(speakers).toEqual([
      { code: 'p225', age: 23, gender: 'F', accent: 'English', region: 'Southern England', comment: null },
      { code: 'p315', age: 28, gender: 'M', accent: 'American', region: 'Connecticut', comment: 'Text/mic2 files unavailable' },
      { code: 's5', age: 22, gender: 'F', accent: 'British', region: null, comment: null },
      { code: 'p362', age: 29, gender: 'F', accent: 'American', region: null, comment: null }
    ])
    expect(skipped).toEqual([
      { line: 7, reason: 'expected ID AGE GENDER ..., found "bad line"' },
      { line: 8, reason: 'gender "X" is not F or M' },
      { line: 9, reason: 'speaker p225 is listed twice' }
    ])
  })
})

describe('importVctk', () => {
  it('imports the 0.80 layout: speakers with gender, clips with duration and transcript', () => {
    const r = importVctk(lib, V080)
    expect(r).toMatchObject({ layout: 'wav48', speakers: 4, female: 2, male: 2, clips: 12, withTranscript: 12, skippedLines: [], unlistedSpeakers: [] })
    const speakers = lib.speakers.list({ datasetId: r.datasetId })
    expect(speakers.map((s) => [s.code, s.gender, s.clips])).toEqual([
      ['p225', 'F', 3],
      ['p226', 'M', 3],
      ['p227', 'M', 3],
      ['p228', 'F', 3]
    ])
    expect(speakers[3]!.region).toBe('New York City')
    const clips = lib.clips.list({ datasetId: r.datasetId, speakerId: speakers[0]!.id })
    expect(clips.map((c) => c.sourceKey)).toEqual(['p225_001', 'p225_002', 'p225_003'])
    expect(clips[0]!.transcript).toBe('Please call Stella.')
    for (const c of clips) {
      expect(c.sampleRate).toBe(8000)
      expect(c.durationS).toBeGreaterThan(0.5)
    }
    expect(lib.speakers.list({ gender: 'F' })).toHaveLength(2)
  })

  it('imports the 0.92 layout: mic1 where both mics were recorded, p-ids, remarks, unlisted and untranscribed speakers', () => {
    const r = importVctk(lib, V092)
    expect(r).toMatchObject({ layout: 'wav48_silence_trimmed', mic: 'auto', speakers: 5, female: 2, male: 2, clips: 10, usable: 10, unusable: [], withTranscript: 8, unlistedSpeakers: ['p400'] })
    expect(r.takes).toEqual({ mic1: 10, mic2: 0, unnamed: 0, skipped: [] })
    expect(r.skippedLines).toEqual([{ line: 6, reason: 'gender "Q" is not F or M' }])
    const all = lib.clips.list({ datasetId: r.datasetId })
    expect(all.some((c) => c.path.includes('mic2'))).toBe(false)
    const p315 = lib.speakers.list().find((s) => s.code === 'p315')!
    expect(p315).toMatchObject({ region: 'Connecticut', comment: 'Text/mic2 files unavailable', clips: 2 })
    expect(lib.clips.list({ speakerId: p315.id }).every((c) => c.transcript === null)).toBe(true)
    expect(all.every((c) => c.sampleRate === 8000 && (c.durationS ?? 0) > 0.5)).toBe(true)
  })

  it('records the durations the decoder agrees with: WAV from the data size, FLAC from STREAMINFO', async () => {
    importVctk(lib, V080)
    importVctk(lib, V092)
    const clips = lib.clips.list()
    expect(clips).toHaveLength(22)
    for (const c of clips) {
      const audio = await decodeFile(c.path)
      expect([c.path, c.sampleRate, c.durationS]).toEqual([c.path, audio.sampleRate, audio.channels[0]!.length / audio.sampleRate])
      // sox writes a plain 44-byte header; 16-bit mono is 2 bytes a sample.
      if (c.path.endsWith('.wav')) expect(c.durationS).toBe((statSync(c.path).size - 44) / 2 / 8000)
    }
  })

  it('--mic mic2 takes the mic2 take where there is one and says why the rest were skipped; ids stay', () => {
    const auto = importVctk(lib, V092)
    const idOf = (key: string): number => lib.clips.list({ datasetId: auto.datasetId }).find((c) => c.sourceKey === key)!.id
    const before = idOf('p226_001')
    const r = importVctk(lib, V092, { mic: 'mic2' })
    expect(r).toMatchObject({ mic: 'mic2', clips: 1, usable: 1, removed: 9 })
    expect(r.takes.mic2).toBe(1)
    expect(r.takes.skipped).toHaveLength(9)
    expect(r.takes.skipped[0]).toEqual({ key: 'p225_001', reason: 'with only a mic1 take' })
    expect(lib.clips.list().map((c) => [c.sourceKey, c.path.endsWith('p226_001_mic2.flac')])).toEqual([['p226_001', true]])
    expect(idOf('p226_001')).toBe(before)
    expect(lib.datasets.get(r.datasetId)!.meta).toEqual({ layout: 'wav48_silence_trimmed', mic: 'mic2' })
  })

  it('is idempotent and leaves the library unchanged when it fails midway', () => {
    importVctk(lib, V080)
    const once = lib.snapshot()
    importVctk(lib, V080)
    const twice = lib.snapshot()
    const stripTime = (s: Record<string, unknown[]>): unknown => ({ ...s, datasets: s.datasets!.map((d) => ({ ...(d as object), imported_at: 0 })) })
    expect(stripTime(twice)).toEqual(stripTime(once))
    expect(() =>
      importVctk(lib, V092, {
        afterRow: (n) => {
          if (n === 5) throw new Error('injected')
        }
      })
    ).toThrow('injected')
    expect(lib.snapshot()).toEqual(twice)
  })

  it('refuses a folder without speaker-info.txt or audio', () => {
    expect(() => importVctk(lib, work)).toThrow(/VCTK speaker list .*speaker-info\.txt: cannot read/)
    const root = vctkMic2Only(join(work, 'renamed'))
    renameSync(join(root, 'wav48_silence_trimmed', 'p225', 'p225_001_mic2.flac'), join(root, 'wav48_silence_trimmed', 'p225', 'take one.flac'))
    expect(() => importVctk(lib, root)).toThrow(
      new UserError(`VCTK folder ${root}: no usable clip (no file under wav48_silence_trimmed/<speaker>/ is named like p225_001.wav or p225_001_mic1.flac)`)
    )
  })
})

describe('issue 12 field inputs: VCTK', () => {
  it('kind 2: a 0.92 copy with only a mic2 take imports it (auto, mic2) and refuses --mic mic1 in one line, library unchanged', () => {
    const root = vctkMic2Only(join(work, 'mic2-only'))
    const before = lib.snapshot()
    let error: unknown
    try {
      importVctk(lib, root, { mic: 'mic1' })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toBe(`VCTK folder ${root}: no usable clip (mic1 asked for; skipped 1 with only a mic2 take)`)
    expect(lib.snapshot()).toEqual(before)
    for (const mic of ['auto', 'mic2'] as const) {
      const r = importVctk(lib, root, { mic })
      expect(r).toMatchObject({ clips: 1, usable: 1, withTranscript: 1, speakers: 1, female: 1 })
      expect(r.takes).toEqual({ mic1: 0, mic2: 1, unnamed: 0, skipped: [] })
      const [clip] = lib.clips.list({ datasetId: r.datasetId })
      expect(clip).toMatchObject({ sourceKey: 'p225_001', transcript: 'Please call Stella.', sampleRate: 8000, unusable: null })
      expect(clip!.path).toMatch(/p225_001_mic2\.flac$/)
    }
  })

  it('kind 6: WAV data sizes of the true size, 0x7FFFFFFF and 0 all give 1 s', () => {
    const r = importVctk(lib, vctkDataSizes(join(work, 'datasizes')))
    expect(r).toMatchObject({ layout: 'wav48', clips: 3, usable: 3, unusable: [] })
    expect(r.takes).toEqual({ mic1: 0, mic2: 0, unnamed: 3, skipped: [] })
    expect(lib.clips.list().map((c) => [c.sourceKey, c.durationS, c.sampleRate])).toEqual([
      ['p225_001', 1, DATASIZE_RATE],
      ['p225_002', 1, DATASIZE_RATE],
      ['p225_003', 1, DATASIZE_RATE]
    ])
  })

  it('records a file whose header cannot be read as unusable, and refuses a folder where no file can be used', () => {
    const root = vctkDataSizes(join(work, 'broken'))
    writeFileSync(join(root, 'wav48', 'p225', 'p225_002.wav'), new Uint8Array(0))
    writeFileSync(join(root, 'wav48', 'p225', 'p225_003.wav'), 'RIFF')
    const r = importVctk(lib, root)
    expect(r).toMatchObject({ clips: 3, usable: 1 })
    expect(r.unusable).toEqual([
      { clip: 'p225_002', path: join(root, 'wav48', 'p225', 'p225_002.wav'), reason: 'file is empty' },
      { clip: 'p225_003', path: join(root, 'wav48', 'p225', 'p225_003.wav'), reason: expect.stringMatching(/^truncated WAV header/) }
    ])
    expect(lib.clips.list().map((c) => c.sourceKey)).toEqual(['p225_001'])
    expect(lib.speakers.list().map((sp) => [sp.code, sp.clips])).toEqual([['p225', 1]])
    const all = lib.clips.list({ includeUnusable: true })
    expect(all.map((c) => [c.sourceKey, c.unusable === null, c.durationS])).toEqual([
      ['p225_001', true, 1],
      ['p225_002', false, null],
      ['p225_003', false, null]
    ])
    const snapshot = lib.snapshot()
    writeFileSync(join(root, 'wav48', 'p225', 'p225_001.wav'), new Uint8Array(0))
    expect(() => importVctk(lib, root)).toThrow(new UserError(`VCTK folder ${root}: no usable clip (3 unusable: 2 file is empty, 1 truncated WAV header)`))
    expect(lib.snapshot()).toEqual(snapshot)
  })
})
