import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Library } from '../src-main/library/library'
import { importMtat } from '../src-main/datasets/mtat/import'
import { MTAT_SYNONYM_GROUPS } from '../src-main/datasets/mtat/synonyms'
import { createRng } from '../src-main/util/random'
import { createAudioService } from '../src-main/api/audio'
import { createTagBrowserService } from '../src-main/api/tag-browser'
import { benchTagScroll } from './library-scroll'

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

/**
 * Library figures: full-size MagnaTagATune import, first time and again (idempotent update), the tag
 * filter over it, and the tag browser's list scrolled in Chromium (library-scroll.ts).
 */
export async function benchLibrary(): Promise<Record<string, number>> {
  return { ...(await benchImportAndFilter()), ...(await benchTagScroll()) }
}

async function benchImportAndFilter(): Promise<Record<string, number>> {
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
      return { mtatImport25863Ms: Math.round(first), mtatReimport25863Ms: Math.round(again), clipTagQueryMs: Math.round(query * 10) / 10, clipTagQueryRows: listed, ...(await benchTagFilter(lib, dir)) }
    } finally {
      lib.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// Runs of the tag filter: enough for a stable median on a loaded machine, few enough to stay a second or two.
const TAG_FILTER_RUNS = 21

/**
 * The tag browser's filter on the generated library (25,863 clips, the real file's size): two tags AND
 * one NOT, the total and the first window of 100 rows, through the service as the app calls it.
 * Median wall and CPU time of TAG_FILTER_RUNS runs (the first one included: the browser's first filter counts too).
 */
async function benchTagFilter(lib: Library, dir: string): Promise<Record<string, number>> {
  const audio = createAudioService({ dataDir: join(dir, 'data'), examplesDir: dir })
  const browser = createTagBrowserService({ library: lib, audio }).handlers
  const datasetId = lib.datasets.list('mtat')[0]!.id
  const tags = (await browser.listDatasetTags({ datasetId })).map((t) => t.name)
  const req = { datasetId, tags: [tags[0]!, tags[1]!], notTags: [tags[2]!], text: '', offset: 0, limit: 100 }
  const wall: number[] = []
  const cpu: number[] = []
  let rows = 0
  for (let i = 0; i < TAG_FILTER_RUNS; i++) {
    const c0 = process.cpuUsage()
    const t = performance.now()
    rows = (await browser.queryClips(req)).total
    wall.push(performance.now() - t)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
  const r1 = (x: number): number => Math.round(x * 10) / 10
  return { tagFilter25kMs: r1(median(wall)), tagFilter25kCpuMs: r1(median(cpu)), tagFilter25kRows: rows }
}

if (process.argv[1] !== undefined && /bench[\\/]library\.ts$/.test(process.argv[1])) {
  benchLibrary().then((r) => process.stdout.write(JSON.stringify(r) + '\n'))
}
