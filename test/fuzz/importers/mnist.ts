/*
 * MNIST importer cases (--idx-dir): four small IDX files (6 train and 3 test images of 4 x 3),
 * plain or gzipped, with one file mutated: a wrong magic, counts and dimensions that lie, truncated
 * or extra data, labels that are not digits, a file that is missing, empty or random.
 * An import that succeeds must describe what the bytes hold, read here independently.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { view } from '../bytes'
import type { FuzzRng } from '../random'
import type { ImportCase, ImportCaseContext } from './context'

const FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const
const SETS = { train: 6, t10k: 3 }
const ROWS = 4
const COLS = 3

/** An IDX file: big-endian magic and dimensions, then the bytes. */
function idx(magic: number, dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length)
  const v = view(out)
  v.setUint32(0, magic)
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d))
  out.set(data, 4 + 4 * dims.length)
  return out
}

/** The four pristine files by name. */
function pristine(): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {}
  for (const [set, n] of Object.entries(SETS)) {
    out[`${set}-images-idx3-ubyte`] = idx(0x803, [n, ROWS, COLS], Uint8Array.from({ length: n * ROWS * COLS }, (_, i) => (i * 37) % 256))
    out[`${set}-labels-idx1-ubyte`] = idx(0x801, [n], Uint8Array.from({ length: n }, (_, i) => i % 10))
  }
  return out
}

type IdxMutation = { name: string; apply(b: Uint8Array, rng: FuzzRng, file: string): { bytes: Uint8Array | null; note: string; valid?: boolean } }

const setU32 = (b: Uint8Array, at: number, v: number): Uint8Array => {
  const out = b.slice()
  if (at + 4 <= out.length) view(out).setUint32(at, v >>> 0)
  return out
}

const IDX_MUTATIONS: IdxMutation[] = [
  { name: 'idx-magic', apply: (b, rng) => { const m = rng.pick([0x801, 0x803, 0x804, 0x802, 0x0c03, 0x08030000, 0, rng.int(2 ** 32)]); return { bytes: setU32(b, 0, m), note: `magic 0x${m.toString(16)}` } } },
  { name: 'idx-count-lie', apply: (b, rng) => { const n = rng.pick([0, 1, 5, 7, 0x7fffffff, 0xffffffff]); return { bytes: setU32(b, 4, n), note: `count ${n}` } } },
  { name: 'idx-dim-lie', apply: (b, rng, f) => { const d = rng.pick([0, 1, 2, 5, 28, 0x10000, 0xffffffff]); const at = f.includes('images') ? rng.pick([8, 12]) : 4; return { bytes: setU32(b, at, d), note: `dimension at ${at} = ${d}` } } },
  { name: 'idx-truncate', apply: (b, rng) => { const at = rng.int(b.length); return { bytes: b.slice(0, at), note: `cut at ${at} of ${b.length}` } } },
  { name: 'idx-extra-bytes', apply: (b, rng) => { const n = rng.range(1, 50); const out = new Uint8Array(b.length + n); out.set(b); return { bytes: out, note: `${n} bytes appended` } } },
  { name: 'idx-gzip', apply: (b) => ({ bytes: gzipSync(b), note: 'gzipped (.gz name)', valid: true }) },
  { name: 'idx-gzip-damaged', apply: (b, rng) => { const z = gzipSync(b); const at = rng.range(2, z.length - 1); const out = rng.chance(0.5) ? z.slice(0, at) : z.slice(); if (out.length === z.length) out[at] = out[at]! ^ 0x55; return { bytes: out, note: `gzip damaged at ${at}` } } },
  { name: 'idx-label-range', apply: (b, rng, f) => { if (!f.includes('labels')) return { bytes: b.slice(), note: 'images untouched', valid: true }; const out = b.slice(); const v = rng.pick([10, 11, 127, 255]); out[8 + rng.int(b.length - 8)] = v; return { bytes: out, note: `a label ${v}` } } },
  { name: 'idx-bit-flip', apply: (b, rng) => { const out = b.slice(); const p = rng.int(Math.min(out.length, 20)); out[p] = out[p]! ^ (1 << rng.int(8)); return { bytes: out, note: `bit flip at ${p}` } } },
  { name: 'idx-zero-byte', apply: () => ({ bytes: new Uint8Array(0), note: 'empty file' }) },
  { name: 'idx-random-bytes', apply: (_b, rng) => { const n = rng.pick([1, 3, 4, 8, 100]); return { bytes: rng.bytes(n), note: `${n} random bytes` } } },
  { name: 'idx-missing', apply: () => ({ bytes: null, note: 'file removed' }) }
]

/** Every MNIST mutation name. */
export const MNIST_MUTATION_NAMES = IDX_MUTATIONS.map((m) => m.name)

/** Writes the pristine IDX files for the base library; returns the import command line. */
export function pristineMnist(dir: string): string[] {
  mkdirSync(dir, { recursive: true })
  for (const [name, bytes] of Object.entries(pristine())) writeFileSync(join(dir, name), bytes)
  return ['import-mnist', '--idx-dir', dir]
}

/** What the files in `dir` hold, read independently: null when they are not a consistent MNIST. */
function holds(dir: string, names: Record<string, string>): { train: number; test: number; rows: number; cols: number } | null {
  const read = (stem: string, magic: number): { dims: number[]; data: Uint8Array } | null => {
    let b: Uint8Array
    try {
      b = new Uint8Array(readFileSync(join(dir, names[stem]!)))
      if (b[0] === 0x1f && b[1] === 0x8b) b = new Uint8Array(gunzipSync(b))
    } catch {
      return null
    }
    const v = view(b)
    if (b.length < 4 || v.getUint32(0) !== magic) return null
    const n = magic & 0xff
    if (b.length < 4 + 4 * n) return null
    const dims = Array.from({ length: n }, (_, i) => v.getUint32(4 + 4 * i))
    return b.length === 4 + 4 * n + dims.reduce((a, x) => a * x, 1) ? { dims, data: b.subarray(4 + 4 * n) } : null
  }
  const sets = (['train', 't10k'] as const).map((s) => ({ img: read(`${s}-images-idx3-ubyte`, 0x803), lab: read(`${s}-labels-idx1-ubyte`, 0x801) }))
  for (const { img, lab } of sets) if (!img || !lab || lab.dims[0] !== img.dims[0] || lab.data.some((l) => l > 9)) return null
  return { train: sets[0]!.img!.dims[0]!, test: sets[1]!.img!.dims[0]!, rows: sets[0]!.img!.dims[1]!, cols: sets[0]!.img!.dims[2]! }
}

/** One MNIST importer case. */
export function mnistCase(ctx: ImportCaseContext): ImportCase {
  const { rng } = ctx
  const dir = ctx.datasetDir
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const files = pristine()
  const gzipAll = rng.chance(0.2)
  const target = rng.pick(FILES)
  const m = rng.pick(IDX_MUTATIONS)
  const r = m.apply(files[target]!, rng, target)
  const names: Record<string, string> = {}
  for (const f of FILES) {
    const bytes = f === target ? r.bytes : gzipAll ? gzipSync(files[f]!) : files[f]!
    const gz = (gzipAll && f !== target) || (f === target && m.name.startsWith('idx-gzip'))
    names[f] = gz ? `${f}.gz` : f
    if (bytes) writeFileSync(join(dir, names[f]), bytes)
  }
  return {
    mutation: m.name,
    seedFile: `generated IDX 6+3 x ${ROWS}x${COLS}${gzipAll ? ', gzipped' : ''}`,
    note: `${target}: ${r.note}`,
    prepared: {
      argv: ['import-mnist', '--idx-dir', dir],
      names: [dir],
      valid: r.valid === true,
      async check(_lib, report) {
        const truth = holds(dir, names)
        if (!truth) return ['accepted IDX files that are not a consistent MNIST (magic, sizes, counts or labels)']
        const got = { train: report.train, test: report.test, rows: report.rows, cols: report.cols }
        return JSON.stringify(got) === JSON.stringify(truth) ? [] : [`report ${JSON.stringify(got)}, the files hold ${JSON.stringify(truth)}`]
      }
    }
  }
}
