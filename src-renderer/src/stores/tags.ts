import { defineStore } from 'pinia'
import { reactive } from 'vue'
import type { TagResult } from '../../../src-preload/api'
import { useApi } from '../api/client'

/** Tags of one audio file as the track shows them. */
export interface TagView {
  status: 'tagging' | 'done' | 'failed'
  tags: TagResult['tags']
  modelId?: number
  error?: string
}

// Chips beside a track: five tags describe a clip at a glance and fit one line of the lane.
const TAGS_SHOWN = 5

/** Song-level tags of the session's clips, by file path. */
export const useTagsStore = defineStore('tags', () => {
  const byPath = reactive(new Map<string, TagView>())
  // Only the newest request per file may land: tagging again with another model replaces the chips.
  const latest = new Map<string, number>()
  let requests = 0

  /** Tags `path` with the given tagger (none: the host picks the newest); a failure is kept as the file's message. */
  async function tag(path: string, modelId?: number): Promise<void> {
    const mine = ++requests
    latest.set(path, mine)
    byPath.set(path, { status: 'tagging', tags: byPath.get(path)?.tags ?? [] })
    try {
      const r = await useApi().tagAudio({ path, top: TAGS_SHOWN, ...(modelId !== undefined && { modelId }) })
      if (latest.get(path) === mine) byPath.set(path, { status: 'done', tags: r.tags, modelId: r.modelId })
    } catch (err) {
      if (latest.get(path) === mine) byPath.set(path, { status: 'failed', tags: [], error: err instanceof Error ? err.message : String(err) })
    }
  }

  /** Forgets a file's tags (the chips' close button). */
  function clear(path: string): void {
    latest.delete(path)
    byPath.delete(path)
  }

  function $reset(): void {
    latest.clear()
    byPath.clear()
  }

  return { byPath, tag, clear, $reset }
})
