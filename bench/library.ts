import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Library } from '../src-main/library/library'
import { importMtat } from '../src-main/datasets/mtat/import'
import { MTAT_SYNONYM_GROUPS } from '../src-main/datasets/mtat/synonyms'
import { createRng } from '../src-main/util/random'

/** Rows in the real annotations_final.csv. */
const MTAT_ROWS = 25863
/** Tag columns in the real annotations_final.csv. */
const MTAT_TAGS = 188
/** Share of 1 cells: the real file averages about 2.6 % (a few tags per clip). */
const TAG_DENSITY = 0.026

/** Writes an annotations_final.csv of the real shape (quoted, tab-separated, CRLF) with random tags. */
export function writeSyntheticMtat(dir: string, rows: number = MTAT_ROWS, seed = 1): void {
  const names = MTAT_SYNONYM_GROUPS.flat()
  for (let i = 0; names.length < MTAT_TAGS; i++) names.push(`tag ${i}`)
  const rng = createRng(seed)
  const q = (s: string): string => `"${s}"`
  const lines = [['clip_id', ...names.slice(0, MTAT_TAGS), 'mp3_path'].map(q).join('\t')]
  for (let i = 0; i < rows; i++) {
    const cells = [String(i + 2)]
    for (let t = 0; t < MTAT_TAGS; t++) cells.push(rng.uniform() < TAG_DENSITY ? '1' : '0')
    cells.push(`${(i % 16).toString(16)}/artist_${i % 230}-album-${i}-30-59.mp3`)
    lines.push(cells.map(q).join('\t'))
  }
  writeFileSync(join(dir, 'annotations_final.csv'), lines.join('\r\n') + '\r\n')
}

/** Library figures: full-size MagnaTagATune import, first time and again (idempotent update). */
export async function benchLibrary(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'eb-bench-mtat-'))
  try {
    writeSyntheticMtat(dir)
    const lib = Library.open(join(dir, 'data'))
    try {
      let t = performance.now()
      importMtat(lib, dir)
      const first = performance.now() - t
      t = performance.now()
      importMtat(lib, dir)
      const again = performance.now() - t
      t = performance.now()
      const listed = lib.clips.list({ tags: ['guitar'], split: 'train', limit: 100, includeUnusable: true }).length
      const query = performance.now() - t
      return { mtatImport25863Ms: Math.round(first), mtatReimport25863Ms: Math.round(again), clipTagQueryMs: Math.round(query * 10) / 10, clipTagQueryRows: listed }
    } finally {
      lib.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && /bench[\\/]library\.ts$/.test(process.argv[1])) {
  benchLibrary().then((r) => process.stdout.write(JSON.stringify(r) + '\n'))
}
