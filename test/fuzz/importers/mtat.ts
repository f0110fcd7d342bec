/*
 * MagnaTagATune importer cases over a copy of test/fixtures/mtat/dataset: one MP3 damaged by an
 * audio mutation, emptied, replaced by random bytes or removed; a folder removed; the annotations
 * or clip-info CSV under text mutations and CSV ones (ragged rows, broken quotes, bad ids and tag
 * cells); sometimes with --durations, which decodes every usable clip and records its length.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { taggingSet } from '../../../src-main/datasets/mtat/tagging-set'
import { FIXTURES } from '../corpus'
import { textMutations, type TextMutated } from '../mutations/text'
import type { FuzzRng } from '../random'
import { clipWrongs, usableClips } from '../targets/clip-checks'
import type { ImportCase, ImportCaseContext } from './context'
import { freshCopy, mutateAudioFile } from './dataset-files'

const CSV = 'annotations_final.csv'
const INFO = 'clip_info_final.csv'

/** The fixture's rows as (clip id, MP3 path). */
function rows(): { id: string; path: string }[] {
  return readFileSync(join(FIXTURES.mtat, CSV), 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const f = l.split('\t').map((x) => x.replace(/^"|"$/g, ''))
      return { id: f[0]!, path: f[f.length - 1]! }
    })
}

/** CSV-specific mutations of one data row (tab-separated, quoted fields). */
const CSV_ROW: { name: string; edit(fields: string[], rng: FuzzRng): string[] }[] = [
  { name: 'csv-ragged-row', edit: (f, rng) => (rng.chance(0.5) ? f.slice(0, -2).concat(f.slice(-1)) : [...f.slice(0, 1), '"0"', ...f.slice(1)]) },
  { name: 'csv-broken-quote', edit: (f, rng) => f.map((x, i) => (i === rng.int(f.length) ? x.slice(0, -1) : x)) },
  { name: 'csv-bad-clip-id', edit: (f, rng) => [rng.pick(['"x1"', '"-1"', '"1.5"', '""', '"99999999999999999999"']), ...f.slice(1)] },
  { name: 'csv-bad-tag-cell', edit: (f, rng) => f.map((x, i) => (i === 1 + rng.int(f.length - 2) ? rng.pick(['"2"', '"yes"', '""', '" 1"']) : x)) },
  { name: 'csv-bad-path', edit: (f, rng) => [...f.slice(0, -1), rng.pick(['""', '"../../../etc/hostname"', '"/dev/null"', '"0"', '"nope.mp3"'])] }
]

type Part = { mutation: string; note: string; valid: boolean; mustUse?: string[]; mustNotUse?: string[] }

/** Every MagnaTagATune mutation name (audio ones are tallied as `mtat-audio:<name>`). */
export const MTAT_MUTATION_NAMES = ['mtat-audio', 'mtat-zero-byte-mp3', 'mtat-random-mp3', 'mtat-missing-mp3', 'mtat-missing-folder', 'mtat-no-csv', 'mtat-csv', 'mtat-clip-info', ...CSV_ROW.map((m) => m.name)]

function mutateText(file: string, rng: FuzzRng, asValid: (m: TextMutated, name: string) => boolean): { name: string; note: string; valid: boolean } {
  const m = rng.pick(textMutations)
  const r = m.apply(readFileSync(file, 'utf8'), rng)
  writeFileSync(file, r.bytes)
  return { name: m.name, note: r.note, valid: asValid(r, m.name) }
}

function damage(dir: string, rng: FuzzRng): Part | null {
  const all = rows()
  // The fixture lists one clip without its MP3 on purpose: damage only files that are there.
  const row = rng.pick(all.filter((r) => existsSync(join(dir, r.path))))
  const mp3 = join(dir, row.path)
  const kind = rng.pick(MTAT_MUTATION_NAMES)
  switch (kind) {
    case 'mtat-audio': {
      const m = mutateAudioFile(mp3, rng)
      return m && { mutation: `mtat-audio:${m.name}`, note: `clip ${row.id}: ${m.note}`, valid: true, mustUse: m.valid ? [row.id] : [] }
    }
    case 'mtat-zero-byte-mp3':
      writeFileSync(mp3, new Uint8Array(0))
      return { mutation: kind, note: `clip ${row.id}`, valid: true, mustNotUse: [row.id] }
    case 'mtat-random-mp3': {
      const n = rng.range(100, 5000)
      writeFileSync(mp3, rng.bytes(n))
      return { mutation: kind, note: `clip ${row.id}: ${n} random bytes`, valid: true }
    }
    case 'mtat-missing-mp3':
      rmSync(mp3)
      return { mutation: kind, note: `clip ${row.id}`, valid: true, mustNotUse: [row.id] }
    case 'mtat-missing-folder': {
      const folder = row.path.split('/')[0]!
      rmSync(join(dir, folder), { recursive: true })
      return { mutation: kind, note: `folder ${folder}/`, valid: true, mustNotUse: all.filter((r) => r.path.startsWith(`${folder}/`)).map((r) => r.id) }
    }
    case 'mtat-no-csv':
      rmSync(join(dir, CSV))
      return { mutation: kind, note: CSV, valid: false }
    case 'mtat-csv':
    case 'mtat-clip-info': {
      // The CSV dialect takes a BOM, any line ends and blank lines; clip info is optional metadata.
      const t = mutateText(join(dir, kind === 'mtat-csv' ? CSV : INFO), rng, (r, name) => r.valid === true || name === 'bom' || name === 'duplicate-line')
      return { mutation: `${kind}:${t.name}`, note: t.note, valid: t.valid }
    }
    default: {
      const m = CSV_ROW.find((x) => x.name === kind)!
      const file = join(dir, CSV)
      const lines = readFileSync(file, 'utf8').split('\n')
      const i = 1 + rng.int(all.length)
      lines[i] = m.edit(lines[i]!.replace(/\r$/, '').split('\t'), rng).join('\t') + (lines[i]!.endsWith('\r') ? '\r' : '')
      writeFileSync(file, lines.join('\n'))
      return { mutation: kind, note: `line ${i + 1}`, valid: false }
    }
  }
}

/** Writes the pristine dataset for the base library; returns the import command line. */
export function pristineMtat(dir: string): string[] {
  freshCopy(FIXTURES.mtat, dir)
  return ['import-mtat', dir]
}

/** One MagnaTagATune importer case (null when the mutation picked did not apply). */
export function mtatCase(ctx: ImportCaseContext & { base?: Record<string, unknown> }): ImportCase | null {
  const { rng } = ctx
  const dir = ctx.datasetDir
  freshCopy(FIXTURES.mtat, dir)
  const part = damage(dir, rng)
  if (!part) return null
  const durations = rng.chance(0.3)
  return {
    mutation: part.mutation,
    seedFile: 'test/fixtures/mtat/dataset',
    note: `${part.note}${durations ? ' (--durations)' : ''}`,
    prepared: {
      argv: ['import-mtat', dir, ...(durations ? ['--durations'] : [])],
      names: [dir],
      valid: part.valid,
      async check(lib, report) {
        const id = Number(report.datasetId)
        const wrongs = await clipWrongs(lib, id, part)
        const usable = new Set(usableClips(lib, id).map((c) => c.id))
        const stray = taggingSet(lib, id).items.filter((i) => !usable.has(i.clipId))
        if (stray.length > 0) wrongs.push(`the tagging set trains on ${stray.length} clips that are not usable`)
        if (part.valid && part.mutation.startsWith('mtat-csv:') && ctx.base && report.clips !== ctx.base.clips) {
          wrongs.push(`valid CSV variant imported ${String(report.clips)} clips, the pristine CSV ${String(ctx.base.clips)}`)
        }
        return wrongs
      }
    }
  }
}
