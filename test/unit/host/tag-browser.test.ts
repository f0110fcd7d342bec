import { cp, mkdtemp, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClipQueryRequest } from '../../../src-preload/api'
import { createServices, type Services } from '../../../src-main/api/services'
import { importMtatDataset } from '../../../src-main/api/datasets'
import { withLibrary } from '../../../src-main/api/library'
import { noMatchMessage, searchWords } from '../../../src-main/api/tag-browser'
import { UserError } from '../../../src-main/util/errors'
import { requestSchemas } from '../../../src-main/ipc/schemas'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const fixture = join(root, 'test', 'fixtures', 'mtat', 'dataset')

describe('tag browser service (MagnaTagATune as a sample library)', () => {
  let dir: string
  let services: Services
  let datasetId: number
  const q = (over: Partial<ClipQueryRequest>): ClipQueryRequest => ({ datasetId, tags: [], notTags: [], text: '', offset: 0, limit: 100, ...over })
  const keys = async (over: Partial<ClipQueryRequest>): Promise<string[]> => (await services.handlers.queryClips(q(over))).clips.map((c) => c.sourceKey)

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-tagbrowser-'))
    // A copy of the fixture, so one test can move its folder away.
    await cp(fixture, join(dir, 'mtat'), { recursive: true })
    datasetId = await withLibrary(join(dir, 'data'), (lib) => importMtatDataset(lib, join(dir, 'mtat')).datasetId)
    services = await createServices({ dataDir: join(dir, 'data'), examplesDir: join(root, 'resources', 'examples'), platform: 'web', version: '0' })
  })
  afterAll(async () => {
    await services?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('lists the import with its clip and missing-audio counts', async () => {
    expect(await services.handlers.listTagDatasets()).toEqual([expect.objectContaining({ id: datasetId, clips: 24, missing: 1, folderMissing: false })])
  })

  it('lists merged tags by clip count with their synonyms, every one in the top 50 of a 16-tag set', async () => {
    const tags = await services.handlers.listDatasetTags({ datasetId })
    expect(tags[0]).toEqual({ name: 'no singer', clips: 24, aliases: ['instrumental', 'no vocals', 'no voice'], top: true })
    expect(tags.map((t) => t.name)).toContain('slow')
    expect(tags.every((t) => t.top)).toBe(true)
    for (let i = 1; i < tags.length; i++) expect(tags[i]!.clips).toBeLessThanOrEqual(tags[i - 1]!.clips)
  })

  it('filters by two tags AND one NOT, synonyms resolving to their merged tag', async () => {
    const expected = ['16', '17', '21', '22', '25', '27', '29', '36']
    expect(await keys({ tags: ['slow', 'loud'], notTags: ['classical'] })).toEqual(expected)
    expect(await keys({ tags: ['slow', 'loud'], notTags: ['clasical'] })).toEqual(expected)
    const page = await services.handlers.queryClips(q({ tags: ['slow', 'loud'], notTags: ['classical'] }))
    expect(page).toMatchObject({ total: 8, message: null })
    for (const c of page.clips) expect(c.tags).toEqual(expect.arrayContaining(['slow', 'loud']))
    for (const c of page.clips) expect(c.tags).not.toContain('classical')
  })

  it('searches words over titles, artists, albums and tag names, every word required', async () => {
    expect(await keys({ text: 'piano adagio' })).toEqual(['22', '36'])
    expect(await keys({ text: 'PIANO' })).toEqual(['8', '22', '36'])
    // "quiet" is only a tag name here (no title says it).
    expect(await keys({ text: 'quiet' })).toEqual(['3', '34'])
    // LIKE wildcards typed by the user are plain characters.
    expect(await keys({ text: '%' })).toEqual([])
  })

  it('pages a result in windows, with the total every time', async () => {
    const all = await keys({})
    const page = await services.handlers.queryClips(q({ offset: 5, limit: 4 }))
    expect(page.total).toBe(24)
    expect(page.clips.map((c) => c.sourceKey)).toEqual(all.slice(5, 9))
    expect((await services.handlers.queryClips(q({ offset: 40 }))).clips).toEqual([])
  })

  it('answers a filter that matches nothing with an empty list and one line, not an error', async () => {
    expect(await services.handlers.queryClips(q({ tags: ['piano', 'organ'] }))).toMatchObject({ total: 0, clips: [], message: 'no clip tagged piano + organ' })
    expect(await services.handlers.queryClips(q({ tags: ['kazoo'] }))).toMatchObject({ total: 0, clips: [], message: 'no tag "kazoo" in the library' })
    expect((await services.handlers.queryClips(q({ tags: ['slow'], notTags: ['slow'] }))).message).toMatch(/^no clip can carry a tag and be without it/)
  })

  it('shows missing audio as such, and refuses to play it in one line', async () => {
    const missing = (await services.handlers.queryClips(q({ text: 'strings allegro' }))).clips[0]!
    expect(missing).toMatchObject({ sourceKey: '9', problem: 'audio file missing' })
    await expect(services.handlers.loadClipAudio({ clipId: missing.id })).rejects.toThrow(new UserError('clip 9 (Strings Allegro): audio file missing'))
    await expect(services.handlers.loadClipAudio({ clipId: 99999 })).rejects.toThrow('clip 99999: no such clip in the library')
  })

  it('decodes a clip for audition, and copies one into the data folder for the timeline', async () => {
    const [clip] = (await services.handlers.queryClips(q({ tags: ['flute', 'slow'], limit: 1 }))).clips
    const audio = await services.handlers.loadClipAudio({ clipId: clip!.id })
    expect(audio.sampleRate).toBeGreaterThan(0)
    expect(audio.channels[0]!.length).toBeGreaterThan(audio.sampleRate) // the fixture's clips are two seconds
    const ref = await services.handlers.importClip({ clipId: clip!.id })
    expect(ref.path).toContain(`${sep}data${sep}imports${sep}`)
    expect(ref.name).toMatch(/flute.*\.mp3$/)
    // The copy is what the other services read: peaks and playback work on it.
    expect((await services.handlers.audioPeaks({ path: ref.path, peaksPerSecond: 10 })).min.length).toBeGreaterThan(0)
  })

  it('refuses an unknown dataset, and says where a moved dataset folder leaves its clips', async () => {
    await expect(services.handlers.listDatasetTags({ datasetId: 999 })).rejects.toThrow('dataset 999: no MagnaTagATune import with that id')
    const [clip] = (await services.handlers.queryClips(q({ tags: ['organ'], limit: 1 }))).clips
    await rename(join(dir, 'mtat'), join(dir, 'mtat-moved'))
    try {
      expect((await services.handlers.listTagDatasets())[0]!.folderMissing).toBe(true)
      await expect(services.handlers.loadClipAudio({ clipId: clip!.id })).rejects.toThrow(/^clip 5: audio file missing .*has the dataset folder moved\? import it again/)
    } finally {
      await rename(join(dir, 'mtat-moved'), join(dir, 'mtat'))
    }
  })
})

describe('tag browser words and messages', () => {
  it('splits the search box into lower-case words', () => {
    expect(searchWords('  Slow  PIANO\tquiet ')).toEqual(['slow', 'piano', 'quiet'])
    expect(searchWords('   ')).toEqual([])
  })
  it('says what matched nothing', () => {
    expect(noMatchMessage({ tags: ['slow', 'piano'], notTags: ['loud'], text: ' sad ' })).toBe('no clip tagged slow + piano, without loud, matching "sad"')
    expect(noMatchMessage({ tags: [], notTags: [], text: '' })).toBe('this dataset has no clips')
  })
})

describe('tag browser payloads', () => {
  const ok = { datasetId: 1, tags: ['slow'], notTags: [], text: '', offset: 0, limit: 200 }
  it('accepts a window of rows and refuses oversized or malformed ones at the boundary', () => {
    expect(requestSchemas.queryClips.safeParse(ok).success).toBe(true)
    expect(requestSchemas.queryClips.safeParse({ ...ok, limit: 5000 }).success).toBe(false)
    expect(requestSchemas.queryClips.safeParse({ ...ok, offset: -1 }).success).toBe(false)
    expect(requestSchemas.queryClips.safeParse({ ...ok, tags: 'slow' }).success).toBe(false)
    expect(requestSchemas.loadClipAudio.safeParse({ clipId: 0 }).success).toBe(false)
  })
})
