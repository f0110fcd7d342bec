import { parseTsv } from './annotations'

/** Title, artist and album of one clip, from clip_info_final.csv. */
export interface ClipInfo {
  title: string | null
  artist: string | null
  album: string | null
}

/**
 * Parses clip_info_final.csv (same dialect as the annotations; columns found by header name).
 * It is optional metadata, so rows it cannot read are counted, not fatal.
 */
export function parseClipInfo(data: Buffer | string, file: string): { info: Map<number, ClipInfo>; unreadable: number } {
  const records = parseTsv(data, file)
  const header = records[0]?.record.map((h) => h.trim()) ?? []
  const col = (name: string): number => header.indexOf(name)
  const idCol = col('clip_id')
  const [titleCol, artistCol, albumCol] = [col('title'), col('artist'), col('album')]
  const info = new Map<number, ClipInfo>()
  let unreadable = 0
  if (idCol < 0) return { info, unreadable: Math.max(0, records.length - 1) }
  const cell = (rec: string[], c: number): string | null => (c >= 0 && rec[c] !== undefined && rec[c]!.trim() !== '' ? rec[c]!.trim() : null)
  for (const { record } of records.slice(1)) {
    const id = record[idCol]?.trim() ?? ''
    if (record.length !== header.length || !/^\d+$/.test(id)) {
      unreadable++
      continue
    }
    info.set(Number(id), { title: cell(record, titleCol), artist: cell(record, artistCol), album: cell(record, albumCol) })
  }
  return { info, unreadable }
}
