import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempLibrary } from './helpers'
import type { Library } from '../../../src-main/library/library'
import type { Track } from '../../../src-main/library/projects'
import { UserError } from '../../../src-main/util/errors'

let t: ReturnType<typeof tempLibrary>
let lib: Library
beforeEach(() => {
  t = tempLibrary()
  lib = t.lib
})
afterEach(() => t.dispose())

const track = (name: string, clips: Track['clips'] = []): Track => ({ name, gainDb: -3, pan: 0.25, muted: false, solo: true, clips })
const clip = (path: string, startS: number, renderId: number | null = null): Track['clips'][number] => ({
  sourcePath: path,
  startS,
  offsetS: 0.5,
  durationS: 2,
  gainDb: 0,
  renderId
})

describe('ProjectRepository', () => {
  it('creates, lists, saves tracks and clips in order, reloads them, deletes', () => {
    const id = lib.projects.create({ name: 'Demo', bpm: 96 })
    expect(lib.projects.list()).toMatchObject([{ id, name: 'Demo', bpm: 96, trackCount: 0 }])
    const saved = lib.projects.save({
      id,
      name: 'Demo 2',
      bpm: 100,
      sampleRate: 48000,
      tracks: [track('Content', [clip('/a.wav', 4), clip('/b.wav', 1)]), track('Style', [clip('/c.wav', 0)])]
    })
    expect(saved.name).toBe('Demo 2')
    expect(saved.tracks.map((x) => x.name)).toEqual(['Content', 'Style'])
    // Clips come back ordered by start time.
    expect(saved.tracks[0]!.clips.map((c) => c.sourcePath)).toEqual(['/b.wav', '/a.wav'])
    expect(saved.tracks[0]).toMatchObject({ gainDb: -3, pan: 0.25, muted: false, solo: true })
    expect(lib.projects.get(id)).toEqual(saved)
    expect(lib.projects.list()[0]!.trackCount).toBe(2)
    // Saving again replaces, never appends.
    const again = lib.projects.save({ ...saved, tracks: [track('Only')] })
    expect(again.tracks).toHaveLength(1)
    expect(lib.projects.remove(id)).toBe(true)
    expect(lib.projects.get(id)).toBeUndefined()
    expect(lib.projects.remove(id)).toBe(false)
  })

  it('keeps the previous version when a save fails midway (one transaction)', () => {
    const id = lib.projects.create({ name: 'Keep' })
    const before = lib.projects.save({ id, name: 'Keep', bpm: 120, sampleRate: 44100, tracks: [track('A', [clip('/a.wav', 0)])] })
    // The second track's clip points at a render that does not exist: the foreign key fails after
    // the old tracks were deleted and the first new one written.
    expect(() =>
      lib.projects.save({ ...before, name: 'Changed', tracks: [track('B'), track('C', [clip('/c.wav', 0, 999)])] })
    ).toThrow()
    expect(lib.projects.get(id)).toEqual(before)
  })

  it('rejects bad values with a UserError naming the track', () => {
    const id = lib.projects.create({ name: 'P' })
    expect(() => lib.projects.save({ id, name: 'P', bpm: 120, sampleRate: 44100, tracks: [{ ...track('Wide'), pan: 2 }] })).toThrow(
      /track 1 "Wide": pan 2/
    )
    expect(() => lib.projects.save({ id, name: 'P', bpm: 120, sampleRate: 44100, tracks: [track('T', [{ ...clip('/x', 0), durationS: 0 }])] })).toThrow(
      UserError
    )
    expect(() => lib.projects.save({ id: 12345, name: 'P', bpm: 120, sampleRate: 44100, tracks: [] })).toThrow(/project 12345: no such project/)
    expect(() => lib.projects.create({ name: ' ' })).toThrow(UserError)
  })
})
