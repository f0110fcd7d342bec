import { basename, join, resolve } from 'node:path'
import type { Library } from '../../library/library'
import type { Split } from '../../library/clips'
import { parseAnnotations, type AnnotationRow } from './annotations'
import { parseClipInfo, type ClipInfo } from './clip-info'
import { mergeTags } from './synonyms'
import { DEFAULT_SPLIT_SEED, parseSplitList, seededSplit } from '../split'
import { isFile, readRequired, requireDir } from '../fs-checks'
import { PROGRESS_EVERY, type AfterRowHook, type ProgressCallback } from '../progress'
import type { SkippedRow } from '../skipped'
import { UserError } from '../../util/errors'
import { checkClipAudio, type ClipAudio, type UnusableClip } from '../validity'

/** How to import a MagnaTagATune folder. */
export interface MtatImportOptions {
  /** An external split list (see parseSplitList); without it, a seeded 95/5 train/valid split. */
  splitFile?: string
  seed?: number
  onProgress?: ProgressCallback
  afterRow?: AfterRowHook
}

/** What an import did; the CLI prints it under --json. */
export interface MtatImportReport {
  datasetId: number
  root: string
  clips: number
  /** Clips whose audio is there and readable: what the splits count and training reads. */
  usable: number
  missingAudio: number
  /** Clips whose file is there but cannot be used (empty, not audio), with the reason. */
  unusable: UnusableClip[]
  skippedRows: SkippedRow[]
  /** Tag columns in the CSV before merging. */
  rawTags: number
  /** Tags after synonym merging. */
  tags: number
  top50: string[]
  /** Usable clips per split. */
  split: { train: number; valid: number; test: number }
  splitSource: 'seeded' | 'file'
  /** Split-list keys that matched no clip. */
  splitUnmatched: number
  /** Clips of an earlier import no longer in the CSV (removed). */
  removed: number
}

/** How many merged tags the report's tagging experiments use. */
const TOP_TAGS = 50

/**
 * Imports a MagnaTagATune folder (annotations_final.csv, optional clip_info_final.csv, MP3s under
 * 0/..f/) into the library. Each MP3's header is checked: a missing file is recorded as missing, an
 * empty or unreadable one as unusable with the reason (listings and training leave both out). All
 * writes happen in one transaction: a failure anywhere leaves the library as it was; re-importing
 * the same folder updates in place (clip ids stay).
 */
export function importMtat(lib: Library, dir: string, opts: MtatImportOptions = {}): MtatImportReport {
  const root = resolve(dir)
  requireDir(root, 'MagnaTagATune folder')
  const annFile = join(root, 'annotations_final.csv')
  const ann = parseAnnotations(readRequired(annFile, 'MagnaTagATune annotations'), annFile)
  if (ann.rows.length === 0) {
    const first = ann.skipped[0]
    throw new UserError(`${annFile}: no clip rows${first ? ` (${ann.skipped.length} skipped; line ${first.line}: ${first.reason})` : ''}`)
  }
  const infoFile = join(root, 'clip_info_final.csv')
  const info = isFile(infoFile) ? parseClipInfo(readRequired(infoFile, 'MagnaTagATune clip info'), infoFile).info : new Map<number, ClipInfo>()
  const merge = mergeTags(ann.tagNames)
  const { splits, source, unmatched } = chooseSplits(ann.rows, opts)
  const audio = checkAudio(root, ann.rows, opts.onProgress)

  const total = ann.rows.length
  const keep = new Set(ann.rows.map((r) => String(r.clipId)))
  const { datasetId, removed } = lib.transaction(() => {
    const id = lib.datasets.upsert({ kind: 'mtat', name: `MagnaTagATune (${basename(root)})`, rootPath: root })
    lib.tags.clearDatasetLinks(id)
    const tagIds = merge.merged.map((name) => lib.tags.ensure(name))
    for (const [alias, name] of merge.aliases) lib.tags.setAlias(alias, tagIds[merge.merged.indexOf(name)]!)
    const linked = new Uint8Array(merge.merged.length)
    ann.rows.forEach((row, i) => {
      const meta = info.get(row.clipId)
      const clipId = lib.clips.upsert(id, {
        sourceKey: String(row.clipId),
        path: join(root, row.mp3Path),
        // MP3 headers state no length: the duration stays unknown until the audio is first decoded.
        ...audio[i]!,
        split: splits.get(row) ?? null,
        title: meta?.title ?? null,
        artist: meta?.artist ?? null,
        album: meta?.album ?? null
      })
      linked.fill(0)
      for (let c = 0; c < row.tags.length; c++) {
        const m = merge.columnToMerged[c]!
        if (row.tags[c] === 1 && linked[m] === 0) {
          linked[m] = 1
          lib.tags.link(clipId, tagIds[m]!)
        }
      }
      opts.afterRow?.(i + 1)
      if ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === total) opts.onProgress?.({ phase: 'write', done: i + 1, total })
    })
    lib.datasets.setMeta(id, {
      tagColumns: ann.tagNames.length,
      mergedTags: merge.merged.length,
      splitSource: source,
      seed: source === 'seeded' ? (opts.seed ?? DEFAULT_SPLIT_SEED) : null,
      skippedRows: ann.skipped.length
    })
    return { datasetId: id, removed: lib.clips.removeAllExcept(id, keep) }
  })
  const counts = lib.clips.splitCounts(datasetId)
  return {
    datasetId,
    root,
    clips: total,
    usable: audio.filter((a) => !a.missing && a.unusable === null).length,
    missingAudio: audio.filter((a) => a.missing).length,
    unusable: ann.rows.flatMap((r, i) => {
      const reason = audio[i]!.unusable
      return reason === null ? [] : [{ clip: String(r.clipId), path: join(root, r.mp3Path), reason }]
    }),
    skippedRows: ann.skipped,
    rawTags: ann.tagNames.length,
    tags: merge.merged.length,
    top50: lib.tags.counts({ datasetId, limit: TOP_TAGS }).map((t) => t.name),
    split: { train: counts.train, valid: counts.valid, test: counts.test },
    splitSource: source,
    splitUnmatched: unmatched,
    removed
  }
}

function chooseSplits(
  rows: AnnotationRow[],
  opts: MtatImportOptions
): { splits: Map<AnnotationRow, Split>; source: 'seeded' | 'file'; unmatched: number } {
  const splits = new Map<AnnotationRow, Split>()
  if (opts.splitFile === undefined) {
    const byKey = seededSplit(rows.map((r) => String(r.clipId)), opts.seed ?? DEFAULT_SPLIT_SEED)
    for (const r of rows) splits.set(r, byKey.get(String(r.clipId))!)
    return { splits, source: 'seeded', unmatched: 0 }
  }
  const file = resolve(opts.splitFile)
  const list = parseSplitList(readRequired(file, 'split list').toString('utf8'), file)
  const used = new Set<string>()
  for (const r of rows) {
    for (const key of [String(r.clipId), r.mp3Path]) {
      const s = list.get(key)
      if (s !== undefined) {
        splits.set(r, s)
        used.add(key)
        break
      }
    }
  }
  return { splits, source: 'file', unmatched: [...list.keys()].filter((k) => !used.has(k)).length }
}

/** Each row's MP3 by the import-validity rule (a missing or unusable one is recorded, not fatal). */
function checkAudio(root: string, rows: AnnotationRow[], onProgress?: ProgressCallback): ClipAudio[] {
  return rows.map((r, i) => {
    if ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === rows.length) onProgress?.({ phase: 'check', done: i + 1, total: rows.length })
    return checkClipAudio(join(root, r.mp3Path))
  })
}
