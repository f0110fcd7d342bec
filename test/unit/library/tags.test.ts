import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempLibrary } from './helpers'
import type { Library } from '../../../src-main/library/library'
import { listClips, listTags } from '../../../src-main/api/library'

let t: ReturnType<typeof tempLibrary>
let lib: Library
let datasetId: number
const clipIds: number[] = []

beforeEach(() => {
  t = tempLibrary()
  lib = t.lib
  datasetId = lib.datasets.upsert({ kind: 'mtat', name: 'tiny', rootPath: '/tiny' })
  clipIds.length = 0
  for (let i = 0; i < 4; i++) {
    clipIds.push(lib.clips.upsert(datasetId, { sourceKey: String(i), path: `/tiny/${i}.mp3`, missing: i === 3, durationS: null, sampleRate: null, split: i === 0 ? 'valid' : 'train' }))
  }
  const rock = lib.tags.ensure('rock')
  const guitar = lib.tags.ensure('guitar')
  const guitars = lib.tags.ensure('guitars')
  lib.tags.link(clipIds[0]!, rock)
  lib.tags.link(clipIds[1]!, rock)
  lib.tags.link(clipIds[1]!, guitar)
  lib.tags.link(clipIds[2]!, guitars)
  lib.tags.link(clipIds[3]!, guitar)
})
afterEach(() => t.dispose())

describe('TagRepository and clip queries', () => {
  it('counts tags by usable clips, ties broken by name', () => {
    // Clip 3's audio is missing: its guitar tag is not counted, as clips and training leave it out.
    expect(listTags(lib, { datasetId }).map((x) => [x.name, x.clips])).toEqual([
      ['rock', 2],
      ['guitar', 1],
      ['guitars', 1]
    ])
    expect(listTags(lib, { top: 1 }).map((x) => x.name)).toEqual(['rock'])
  })

  it('merges a tag into another: links move, the old name becomes an alias', () => {
    lib.tags.merge('guitars', 'guitar')
    expect(listTags(lib).map((x) => [x.name, x.clips, x.aliases])).toEqual([
      ['guitar', 2, ['guitars']],
      ['rock', 2, []]
    ])
    expect(lib.tags.resolve('guitars')).toMatchObject({ name: 'guitar' })
    expect(listClips(lib, { tags: ['guitars'], includeUnusable: true }).total).toBe(3)
    expect(() => lib.tags.merge('nope', 'guitar')).toThrow('tag "nope": no such tag')
  })

  it('filters clips by every tag, split and presence of audio, with limit and offset', () => {
    expect(listClips(lib, { tags: ['rock', 'guitar'] }).clips.map((c) => c.sourceKey)).toEqual(['1'])
    expect(listClips(lib, { tags: ['rock'], split: 'valid' }).clips.map((c) => c.sourceKey)).toEqual(['0'])
    expect(listClips(lib, { tags: ['guitar'] }).total).toBe(1)
    expect(listClips(lib, { tags: ['guitar'], includeUnusable: true }).total).toBe(2)
    const page = listClips(lib, { limit: 2, offset: 1, includeUnusable: true })
    expect(page.total).toBe(4)
    expect(page.clips.map((c) => c.sourceKey)).toEqual(['1', '2'])
    expect(page.clips[0]!.tags).toEqual(['guitar', 'rock'])
    expect(listClips(lib, { tags: ['unknown'] }).total).toBe(0)
  })

  it('leaves missing and unusable clips out of listings and split counts unless asked, showing the reason', () => {
    lib.clips.upsert(datasetId, { sourceKey: '4', path: '/tiny/4.mp3', missing: false, unusable: 'file is empty', durationS: null, sampleRate: null, split: 'train' })
    expect(listClips(lib).clips.map((c) => c.sourceKey)).toEqual(['0', '1', '2'])
    expect(lib.clips.splitCounts(datasetId)).toEqual({ train: 2, valid: 1, test: 0, none: 0 })
    const all = listClips(lib, { includeUnusable: true })
    expect(all.clips.map((c) => [c.sourceKey, c.missing, c.unusable])).toEqual([
      ['0', false, null],
      ['1', false, null],
      ['2', false, null],
      ['3', true, null],
      ['4', false, 'file is empty']
    ])
    lib.clips.setUnusable(clipIds[1]!, 'no MPEG audio frames could be decoded')
    expect(listClips(lib).total).toBe(2)
    lib.clips.setAudioInfo(clipIds[1]!, 2, 16000)
    expect(listClips(lib).total).toBe(3)
    expect(() => lib.clips.setUnusable(clipIds[1]!, '')).toThrow(/CHECK constraint/)
  })

  it('deletes clips gone from the source with their links, keeping the rest', () => {
    expect(lib.clips.removeAllExcept(datasetId, new Set(['0', '1']))).toBe(2)
    expect(listTags(lib).map((x) => [x.name, x.clips])).toEqual([
      ['rock', 2],
      ['guitar', 1]
    ])
  })
})
