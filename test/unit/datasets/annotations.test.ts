import { describe, expect, it } from 'vitest'
import { parseAnnotations } from '../../../src-main/datasets/mtat/annotations'
import { parseClipInfo } from '../../../src-main/datasets/mtat/clip-info'
import { MTAT_SYNONYM_GROUPS, mergeTags } from '../../../src-main/datasets/mtat/synonyms'

const q = (cells: string[]): string => cells.map((c) => `"${c}"`).join('\t')

describe('parseAnnotations', () => {
  it('reads the quoted, tab-separated CRLF dialect and reports bad rows by line', () => {
    const csv = [
      q(['clip_id', 'guitar', 'no voice', 'mp3_path']),
      q(['2', '1', '0', 'f/a.mp3']),
      q(['3', '0', '1']),
      q(['x', '0', '1', 'f/b.mp3']),
      '',
      q(['5', '0', '2', 'f/c.mp3']),
      q(['6', '1', '1', 'f/d.mp3']),
      q(['2', '1', '1', 'f/e.mp3']),
      q(['7', '0', '0', ' '])
    ].join('\r\n')
    const a = parseAnnotations(csv, 'annotations_final.csv')
    expect(a.tagNames).toEqual(['guitar', 'no voice'])
    expect(a.rows.map((r) => [r.line, r.clipId, Array.from(r.tags), r.mp3Path])).toEqual([
      [2, 2, [1, 0], 'f/a.mp3'],
      [7, 6, [1, 1], 'f/d.mp3']
    ])
    expect(a.skipped).toEqual([
      { line: 3, reason: 'expected 4 fields, found 3' },
      { line: 4, reason: 'clip_id "x" is not a number' },
      { line: 6, reason: 'tag "no voice": "2" is not 0 or 1' },
      { line: 8, reason: 'clip_id 2 repeats line 2' },
      { line: 9, reason: 'mp3_path is empty' }
    ])
  })

  it('accepts a byte-order mark and LF line ends', () => {
    const a = parseAnnotations('\ufeff' + [q(['clip_id', 'rock', 'mp3_path']), q(['1', '1', '0/x.mp3'])].join('\n') + '\n', 'a.csv')
    expect(a.rows).toHaveLength(1)
  })
})

describe('parseClipInfo', () => {
  it('finds columns by header name and counts unreadable rows', () => {
    const csv = [q(['clip_id', 'track_number', 'title', 'artist', 'album', 'mp3_path']), q(['2', '1', 'Aria', 'Bach', 'Cantatas', 'f/a.mp3']), q(['zz', '1', 'T', 'A', 'B', 'x']), q(['3', '2', '', 'Anon', 'X', 'f/b.mp3'])].join('\r\n')
    const { info, unreadable } = parseClipInfo(csv, 'clip_info_final.csv')
    expect(info.get(2)).toEqual({ title: 'Aria', artist: 'Bach', album: 'Cantatas' })
    expect(info.get(3)).toEqual({ title: null, artist: 'Anon', album: 'X' })
    expect(unreadable).toBe(1)
  })
})

describe('mergeTags', () => {
  it('maps each synonym onto the first name of its group, keeping others as they are', () => {
    const m = mergeTags(['guitars', 'rock', 'no vocals', 'guitar', 'woman singing', 'instrumental', 'female'])
    expect(m.merged).toEqual(['guitar', 'rock', 'no singer', 'female'])
    expect(Array.from(m.columnToMerged)).toEqual([0, 1, 2, 0, 3, 2, 3])
    expect([...m.aliases]).toEqual([
      ['guitars', 'guitar'],
      ['no vocals', 'no singer'],
      ['woman singing', 'female'],
      ['instrumental', 'no singer']
    ])
  })

  it('has no name in two groups', () => {
    const names = MTAT_SYNONYM_GROUPS.flat()
    expect(new Set(names).size).toBe(names.length)
    expect(MTAT_SYNONYM_GROUPS).toHaveLength(29)
  })
})
