import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { AudioData, AudioRef, ClipPage, ClipQueryRequest, DatasetTag, TagDataset, TagResult } from '../../src-preload/api'
import { decodeFile } from '../audio/decode'
import type { Library } from '../library/library'
import { UserError, describeError } from '../util/errors'
import type { AudioService } from './audio'
import { tagFile } from './models'

/** The tag browser's methods of the contract. */
export interface TagBrowserService {
  handlers: {
    listTagDatasets(): Promise<TagDataset[]>
    listDatasetTags(req: { datasetId: number }): Promise<DatasetTag[]>
    queryClips(req: ClipQueryRequest): Promise<ClipPage>
    loadClipAudio(req: { clipId: number }): Promise<AudioData>
    importClip(req: { clipId: number }): Promise<AudioRef>
    tagClip(req: { clipId: number; modelId: number; top?: number }): Promise<TagResult>
  }
}

// Predicted tags shown beside a clip's annotated ones: MagnaTagATune clips carry about 3, so 5 covers them with room.
const PREDICTED_TAGS = 5

/** Splits the search box into words (quotes are not special: a tag like "no voice" is found by both words). */
export function searchWords(text: string): string[] {
  return text.trim().toLowerCase().split(/\s+/).filter((w) => w.length > 0)
}

/** The one line shown when a filter matches nothing: what was asked, in the user's words. */
export function noMatchMessage(q: Pick<ClipQueryRequest, 'tags' | 'notTags' | 'text'>): string {
  const parts = [
    q.tags.length > 0 ? `tagged ${q.tags.join(' + ')}` : '',
    q.notTags.length > 0 ? `without ${q.notTags.join(', ')}` : '',
    q.text.trim() !== '' ? `matching "${q.text.trim()}"` : ''
  ].filter(Boolean)
  return parts.length > 0 ? `no clip ${parts.join(', ')}` : 'this dataset has no clips'
}

/**
 * MagnaTagATune as a sample library: its imports, their merged tags with counts, clips filtered by
 * tags (AND / NOT) and words in windows a virtual list asks for, a clip's audio for audition, and a
 * copy of a clip in the data folder for the timeline (the audio service reads only there).
 */
export function createTagBrowserService(opts: { library: Library; audio: AudioService }): TagBrowserService {
  const lib = opts.library

  function dataset(id: number): { id: number; rootPath: string } {
    const d = lib.datasets.get(id)
    if (!d || d.kind !== 'mtat') throw new UserError(`dataset ${id}: no MagnaTagATune import with that id`)
    return d
  }

  function playableClip(clipId: number): { path: string; sourceKey: string } {
    const c = lib.clipSearch.clipFile(clipId)
    if (!c) throw new UserError(`clip ${clipId}: no such clip in the library`)
    if (c.problem !== null) throw new UserError(`clip ${c.sourceKey}${c.title ? ` (${c.title})` : ''}: ${c.problem}`)
    if (!existsSync(c.path)) throw new UserError(`clip ${c.sourceKey}: audio file missing (${c.path}); has the dataset folder moved? import it again from its new place`)
    return c
  }

  /** Tag names resolved to ids (names or merged synonyms); the first unknown one is returned instead. */
  function resolveAll(names: string[]): { ids: number[] } | { unknown: string } {
    const ids = new Set<number>()
    for (const n of names) {
      const t = lib.tags.resolve(n)
      if (!t) return { unknown: n }
      ids.add(t.id)
    }
    return { ids: [...ids] }
  }

  return {
    handlers: {
      async listTagDatasets() {
        return lib.datasets.list('mtat').map((d) => ({
          id: d.id,
          name: d.name,
          ...lib.clipSearch.audioCounts(d.id),
          folderMissing: !existsSync(d.rootPath),
          rootPath: d.rootPath
        }))
      },
      async listDatasetTags({ datasetId }) {
        dataset(datasetId)
        return lib.clipSearch.datasetTags(datasetId)
      },
      async queryClips(req) {
        dataset(req.datasetId)
        const empty = (message: string): ClipPage => ({ total: 0, offset: req.offset, clips: [], message })
        const want = resolveAll(req.tags)
        if ('unknown' in want) return empty(`no tag "${want.unknown}" in the library`)
        const not = resolveAll(req.notTags)
        if ('unknown' in not) return empty(`no tag "${not.unknown}" in the library`)
        if (want.ids.some((id) => not.ids.includes(id))) return empty(`no clip can carry a tag and be without it (${req.tags.filter((t) => req.notTags.includes(t)).join(', ') || 'a tag and its synonym'})`)
        const r = lib.clipSearch.search({ datasetId: req.datasetId, tagIds: want.ids, notTagIds: not.ids, words: searchWords(req.text), offset: req.offset, limit: req.limit })
        return { total: r.total, offset: req.offset, clips: r.clips, message: r.total === 0 ? noMatchMessage(req) : null }
      },
      async loadClipAudio({ clipId }) {
        const c = playableClip(clipId)
        try {
          const d = await decodeFile(c.path)
          return { sampleRate: d.sampleRate, channels: d.channels }
        } catch (err) {
          throw new UserError(`clip ${c.sourceKey}: cannot decode its audio (${describeError(err)})`)
        }
      },
      async importClip({ clipId }) {
        const c = playableClip(clipId)
        const bytes = await readFile(c.path)
        return opts.audio.handlers.importAudio({ name: basename(c.path), data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })
      },
      async tagClip({ clipId, modelId, top }) {
        const model = lib.models.get(modelId)
        if (!model || !model.kind.startsWith('tagger/')) throw new UserError(`model ${modelId}: no trained tagger with that id`)
        const c = playableClip(clipId)
        // The clip's own file, read where its dataset lies (tagAudio reads only the data folder and examples).
        const r = await tagFile({ path: c.path, dataDir: lib.dataDir, modelId, top: top ?? PREDICTED_TAGS })
        return { path: c.path, modelId: r.modelId, checkpointId: r.checkpointId, tags: r.tags, windows: r.windows, duration: r.durationS, notes: r.notes }
      }
    }
  }
}
