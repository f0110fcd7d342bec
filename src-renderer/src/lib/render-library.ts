import { shortNumber } from './labels'

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

/** How the library view names a render's figure, its unit and its decimals (in this order on the row). */
const RENDER_MEASURES: readonly { key: string; label: string; unit: string; digits: number }[] = [
  { key: 'loudness', label: 'loudness', unit: ' LUFS', digits: 1 },
  { key: 'truePeak', label: 'true peak', unit: ' dBTP', digits: 1 },
  { key: 'crestFactor', label: 'crest factor', unit: ' dB', digits: 1 },
  { key: 'spectralCentroid', label: 'spectral centroid', unit: ' Hz', digits: 0 },
  { key: 'rt60', label: 'RT60', unit: ' s', digits: 2 },
  { key: 'styleDistanceContent', label: 'style distance of the content', unit: '', digits: -1 },
  { key: 'styleDistanceOutput', label: 'style distance of the output', unit: '', digits: -1 },
  { key: 'contentDistance', label: 'content distance', unit: '', digits: -1 }
]

/**
 * A render's figures as the library view shows them: "loudness -14.2 LUFS", "RT60 0.42 s",
 * "style distance of the content 875" (distances to 3 significant digits), the known ones in the
 * order above, then any other under its own name.
 */
export function renderMeasureList(metrics: Record<string, number>): string[] {
  const known = new Set(RENDER_MEASURES.map((m) => m.key))
  const shown = RENDER_MEASURES.filter((m) => metrics[m.key] !== undefined).map((m) => {
    const v = metrics[m.key]!
    const text = !Number.isFinite(v) ? String(v) : m.digits < 0 ? shortNumber(v) : v.toFixed(m.digits)
    return `${m.label} ${text}${m.unit}`
  })
  return [...shown, ...measureList(Object.fromEntries(Object.entries(metrics).filter(([k]) => !known.has(k))))]
}
