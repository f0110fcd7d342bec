import { parse } from 'csv-parse/sync'
import { CsvError } from 'csv-parse'
import { UserError, visibleText } from '../../util/errors'
import type { SkippedRow } from '../skipped'

/** One usable row of annotations_final.csv. */
export interface AnnotationRow {
  line: number
  clipId: number
  /** 1 where the clip has the tag of the same column, else 0. */
  tags: Uint8Array
  mp3Path: string
}

/** annotations_final.csv parsed: tag column names, usable rows, and rows left out. */
export interface Annotations {
  tagNames: string[]
  rows: AnnotationRow[]
  skipped: SkippedRow[]
}

/**
 * Parses MagnaTagATune's annotations_final.csv (tab-separated, quoted fields, CRLF): header
 * `clip_id, <tags...>, mp3_path`. Rows with the wrong field count, a non-numeric clip_id, a tag cell
 * that is not 0/1, an empty path or a repeated clip_id are skipped and reported by line.
 */
export function parseAnnotations(data: Buffer | string, file: string): Annotations {
  const records = parseTsv(data, file)
  const header = records[0]
  if (!header || header.record[0] !== 'clip_id' || header.record[header.record.length - 1] !== 'mp3_path' || header.record.length < 3) {
    throw new UserError(`${file}: header must be clip_id, the tag names, mp3_path (tab-separated)`)
  }
  const width = header.record.length
  const tagNames = header.record.slice(1, -1).map((t) => t.trim())
  const rows: AnnotationRow[] = []
  const skipped: SkippedRow[] = []
  const seen = new Map<number, number>()
  for (let r = 1; r < records.length; r++) {
    const { record, line } = records[r]!
    const reason = checkRow(record, width, tagNames, seen)
    if (reason !== undefined) {
      skipped.push({ line, reason })
      continue
    }
    const clipId = Number(record[0])
    const tags = new Uint8Array(tagNames.length)
    for (let i = 0; i < tags.length; i++) tags[i] = record[i + 1] === '1' ? 1 : 0
    seen.set(clipId, line)
    rows.push({ line, clipId, tags, mp3Path: record[width - 1]!.trim() })
  }
  return { tagNames, rows, skipped }
}

function checkRow(record: string[], width: number, tagNames: string[], seen: Map<number, number>): string | undefined {
  if (record.length !== width) return `expected ${width} fields, found ${record.length}`
  const id = record[0]!.trim()
  if (!/^\d+$/.test(id)) return `clip_id "${id}" is not a number`
  const first = seen.get(Number(id))
  if (first !== undefined) return `clip_id ${id} repeats line ${first}`
  for (let i = 0; i < tagNames.length; i++) {
    const v = record[i + 1]
    if (v !== '0' && v !== '1') return `tag "${tagNames[i]}": "${v}" is not 0 or 1`
  }
  if (record[width - 1]!.trim() === '') return 'mp3_path is empty'
  return undefined
}

/** A parsed record with the line it ends on. */
export interface LineRecord {
  record: string[]
  line: number
}

/** Parses MagnaTagATune's tab-separated, quoted CSV dialect; a broken quote is a UserError naming the line. */
export function parseTsv(data: Buffer | string, file: string): LineRecord[] {
  try {
    const out = parse(data, {
      delimiter: '\t',
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true
    }) as unknown as { record: string[]; info: { lines: number } }[]
    return out.map((r) => ({ record: r.record, line: r.info.lines }))
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines
      throw new UserError(`${file}${line ? ` line ${line}` : ''}: ${visibleText(err.message.split('\n')[0]!)}`)
    }
    throw err
  }
}
