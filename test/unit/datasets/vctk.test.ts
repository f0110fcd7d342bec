import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { FLACDecoder } from '@wasm-audio-decoders/flac'
import { Library } from '../../../src-main/library/library'
import { importVctk } from '../../../src-main/datasets/vctk/import'
import { parseSpeakerInfo } from '../../../src-main/datasets/vctk/speaker-info'
import { readAudioHeader } from '../../../src-main/datasets/audio-header'

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

describe('readAudioHeader', () => {
  it('reads WAV durations that match the data size', () => {
    const wav = join(V080, 'wav48', 'p225', 'p225_001.wav')
    const h = readAudioHeader(wav)!
    expect(h.sampleRate).toBe(8000)
    // sox writes a plain 44-byte header; 16-bit mono is 2 bytes a sample.
    expect(h.durationS).toBeCloseTo((statSync(wav).size - 44) / 2 / 8000, 6)
  })

  it('reads FLAC durations that match a full decode', async () => {
    const flac = join(V092, 'wav48_silence_trimmed', 's5', 's5_001_mic1.flac')
    const decoder = new FLACDecoder()
    await decoder.ready
    const decoded = await decoder.decodeFile(new Uint8Array(readFileSync(flac)))
    decoder.free()
    const h = readAudioHeader(flac)!
    expect(h.sampleRate).toBe(decoded.sampleRate)
    expect(h.durationS).toBeCloseTo(decoded.samplesDecoded / decoded.sampleRate, 9)
  })

  it('returns null for files it cannot read', () => {
    expect(readAudioHeader(join(V080, 'speaker-info.txt'))).toBeNull()
    expect(readAudioHeader(join(work, 'absent.wav'))).toBeNull()
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

  it('imports the 0.92 layout: FLAC mic1 only, p-ids, remarks, unlisted and untranscribed speakers', () => {
    const r = importVctk(lib, V092)
    expect(r).toMatchObject({ layout: 'wav48_silence_trimmed', speakers: 5, female: 2, male: 2, clips: 10, withTranscript: 8, unlistedSpeakers: ['p400'] })
    expect(r.skippedLines).toEqual([{ line: 6, reason: 'gender "Q" is not F or M' }])
    const all = lib.clips.list({ datasetId: r.datasetId })
    expect(all.some((c) => c.path.includes('mic2'))).toBe(false)
    const p315 = lib.speakers.list().find((s) => s.code === 'p315')!
    expect(p315).toMatchObject({ region: 'Connecticut', comment: 'Text/mic2 files unavailable', clips: 2 })
    expect(lib.clips.list({ speakerId: p315.id }).every((c) => c.transcript === null)).toBe(true)
    expect(all.every((c) => c.sampleRate === 8000 && (c.durationS ?? 0) > 0.5)).toBe(true)
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
  })
})
