/** The file name of a path (either separator), without the 8-hex prefix that keeps imports apart. */
export function fileName(path: string): string {
  return (path.split(/[\\/]/).pop() ?? path).replace(/^[0-9a-f]{8}-/, '')
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
