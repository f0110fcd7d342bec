import { relative, resolve, sep } from 'node:path'
import type { Split } from '../../library/clips'
import type { Library } from '../../library/library'
import type { LabelledClip } from '../tagger-batches'
import { UserError } from '../../util/errors'
import { readRequired } from '../fs-checks'
import { DEFAULT_SPLIT_SEED, parseSplitList, seededSplit } from '../split'

/**
 * Which split a tagger trains on: 'standard' is the one every MagnaTagATune paper since Dieleman &
 * Schrauwen (2014) uses, by the archive's folders (0-b train, c valid, d-f test); 'shuffled' is the
 * research report's own seeded 95/5 train/valid shuffle (it has no test part: the held-out 5 % is
 * both); `{ file }` is a user's list of `<clip id or mp3 path> <train|valid|test>` lines.
 */
export type TaggerSplit = 'standard' | 'shuffled' | { file: string }

/** A clip as the split needs it. */
export interface SplitClip {
  clipId: number
  sourceKey: string
  path: string
}

/** The standard split's folder ranges: the first character of the clip's folder. */
function standardSplitOf(folder: string): Split | null {
  const c = folder.toLowerCase()
  if (/^[0-9ab]$/.test(c)) return 'train'
  if (c === 'c') return 'valid'
  if (/^[d-f]$/.test(c)) return 'test'
  return null
}

/**
 * Assigns train/valid/test to each clip of a MagnaTagATune dataset rooted at `root`. Clips the
 * choice does not place are left out. A split file that names clips the dataset does not have is a
 * UserError listing how many and the first few (a typo there would silently shrink a split); one
 * that is not a regular file of at most 256 MB (a device, a FIFO) is refused unread.
 */
export function assignTaggerSplits(clips: readonly SplitClip[], root: string, choice: TaggerSplit, seed = DEFAULT_SPLIT_SEED): Map<number, Split> {
  const out = new Map<number, Split>()
  if (choice === 'standard') {
    for (const c of clips) {
      const rel = relative(resolve(root), c.path)
      const s = rel.startsWith('..') ? null : standardSplitOf(rel.split(sep)[0]!.slice(0, 1))
      if (s) out.set(c.clipId, s)
    }
    return out
  }
  if (choice === 'shuffled') {
    const byKey = seededSplit(clips.map((c) => c.sourceKey), seed)
    for (const c of clips) out.set(c.clipId, byKey.get(c.sourceKey)!)
    return out
  }
  // A device or FIFO named as the file (a resumed run's, or evaluate's --split-choice) is refused unread.
  const list = parseSplitList(readRequired(choice.file, 'split file').toString('utf8'), choice.file)
  const used = new Set<string>()
  for (const c of clips) {
    const rel = relative(resolve(root), c.path).split(sep).join('/')
    for (const key of [c.sourceKey, rel]) {
      const s = list.get(key)
      if (s !== undefined) {
        out.set(c.clipId, s)
        used.add(key)
        break
      }
    }
  }
  const unknown = [...list.keys()].filter((k) => !used.has(k))
  if (unknown.length > 0) {
    throw new UserError(`split file ${choice.file}: ${unknown.length} line${unknown.length === 1 ? ' names a clip' : 's name clips'} the dataset does not have (${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ', ...' : ''})`)
  }
  return out
}

/**
 * The usable clips of a MagnaTagATune dataset (in the library) per split, each with its multi-hot
 * labels over `tags`; clips with none of the tags are left out, as in the papers. What training and
 * evaluation both read.
 */
export function labelledSplits(
  lib: Library,
  dataset: { id: number; rootPath: string },
  choice: TaggerSplit,
  seed: number,
  tags: readonly string[]
): Record<Split, LabelledClip[]> {
  const all = lib.clips.list({ datasetId: dataset.id, includeUnusable: true })
  const assigned = assignTaggerSplits(all.map((c) => ({ clipId: c.id, sourceKey: c.sourceKey, path: c.path })), dataset.rootPath, choice, seed)
  const index = new Map(tags.map((t, i) => [t, i]))
  const out: Record<Split, LabelledClip[]> = { train: [], valid: [], test: [] }
  for (const c of all) {
    const s = assigned.get(c.id)
    if (s === undefined || c.missing || c.unusable !== null) continue
    const labels = new Uint8Array(tags.length)
    for (const t of c.tags) {
      const i = index.get(t)
      if (i !== undefined) labels[i] = 1
    }
    if (labels.some((v) => v === 1)) out[s].push({ clipId: c.id, path: c.path, labels })
  }
  return out
}
