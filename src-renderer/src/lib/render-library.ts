import type { RenderSummary } from '../../../src-preload/api'

/** How the render list is ordered. */
export type RenderSort = 'newest' | 'oldest' | 'method' | 'size'

/** The file name of a path (either separator), without the 8-hex prefix that keeps imports apart. */
export function fileName(path: string): string {
  return (path.split(/[\\/]/).pop() ?? path).replace(/^[0-9a-f]{8}-/, '')
}

/**
 * Renders whose method, input or output names contain every word of `text` (case-insensitive),
 * in `sort` order (newest first by default; size puts missing files last).
 */
export function filterRenders(list: readonly RenderSummary[], text: string, sort: RenderSort): RenderSummary[] {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean)
  const hay = (r: RenderSummary): string => [r.method, fileName(r.contentPath), fileName(r.stylePath), fileName(r.outputPath)].join(' ').toLowerCase()
  const out = list.filter((r) => words.every((w) => hay(r).includes(w)))
  const byNewest = (a: RenderSummary, b: RenderSummary): number => b.createdAt.localeCompare(a.createdAt) || b.id - a.id
  const order: Record<RenderSort, (a: RenderSummary, b: RenderSummary) => number> = {
    newest: byNewest,
    oldest: (a, b) => -byNewest(a, b),
    method: (a, b) => a.method.localeCompare(b.method) || byNewest(a, b),
    size: (a, b) => (b.sizeBytes ?? -1) - (a.sizeBytes ?? -1) || byNewest(a, b)
  }
  return out.sort(order[sort])
}

/** A byte count as a producer reads it ("2.4 MB"); "file gone" for null. */
export function fileSize(bytes: number | null): string {
  if (bytes === null) return 'file gone'
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

/** The render's recorded figures as short "name value" strings (3 significant digits), in name order. */
export function measureList(metrics: Record<string, number>): string[] {
  return Object.keys(metrics)
    .sort()
    .map((k) => `${k} ${Number.isFinite(metrics[k]!) ? Number(metrics[k]!.toPrecision(3)) : String(metrics[k])}`)
}
