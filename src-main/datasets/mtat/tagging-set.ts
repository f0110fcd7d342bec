import type { Library } from '../../library/library'
import type { Split } from '../../library/clips'

/** What the tagger trains on: the tag vocabulary and, per clip, a 0/1 label for each tag. */
export interface TaggingSet {
  tags: string[]
  items: { clipId: number; path: string; labels: Uint8Array }[]
}

/**
 * The report's tagging setup over an imported dataset: the `top` merged tags by clip count, and the
 * usable clips of one split (audio present and readable), each with its multi-hot label vector over those tags.
 */
export function taggingSet(lib: Library, datasetId: number, opts: { split?: Split; top?: number } = {}): TaggingSet {
  // The report tags with the 50 most frequent merged tags.
  const tags = lib.tags.counts({ datasetId, limit: opts.top ?? 50 }).map((t) => t.name)
  const index = new Map(tags.map((t, i) => [t, i]))
  const items = lib.clips.list({ datasetId, split: opts.split }).map((c) => {
    const labels = new Uint8Array(tags.length)
    for (const t of c.tags) {
      const i = index.get(t)
      if (i !== undefined) labels[i] = 1
    }
    return { clipId: c.id, path: c.path, labels }
  })
  return { tags, items }
}
