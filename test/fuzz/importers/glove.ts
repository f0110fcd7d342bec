/*
 * GloVe importer cases: the fixture table (multi-word token, repeated word) and a generated one,
 * under text mutations and GloVe's own (a word2vec "count dim" header line, words with spaces,
 * quotes and non-ASCII, ragged rows, values that are not numbers, tabs).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadGlove } from '../../../src-main/datasets/glove/load'
import { FIXTURES } from '../corpus'
import { textMutations, type TextMutated } from '../mutations/text'
import type { FuzzRng } from '../random'
import type { ImportCase, ImportCaseContext } from './context'

/** A GloVe seed: its text, the word of each vector line, and the dimension. */
interface GloveSeed {
  name: string
  lines: string[]
  dim: number
}

/** The word of a vector line: every token before the last `dim` (GloVe's multi-word tokens). */
const wordOf = (line: string, dim: number): string => line.split(' ').slice(0, -dim).join(' ')
/** Words in table order, a repeated word kept once (its first vector wins). */
const unique = (words: string[]): string[] => [...new Set(words)]

function seeds(): GloveSeed[] {
  const fixture = readFileSync(FIXTURES.glove, 'utf8').trimEnd().split('\n')
  const generated = Array.from({ length: 30 }, (_, i) => `${['w', 'ton', 'x_y', 'é', 'k-9'][i % 5]}${i} ${Array.from({ length: 5 }, (_, d) => (Math.sin(i * 7 + d) * 2).toFixed(4)).join(' ')}`)
  return [
    { name: 'test/fixtures/glove/glove.fixture.8d.txt', lines: fixture, dim: 8 },
    { name: 'generated 30 x 5', lines: generated, dim: 5 }
  ]
}

/** A GloVe mutation's result: `expectWords` set means the file is valid and must import as exactly these words. */
interface GloveMutated extends TextMutated {
  expectWords?: string[]
  /** Set when an import that succeeds must still report the seed's dimension. */
  expectDim?: number
}

type GloveMutation = { name: string; apply(seed: GloveSeed, rng: FuzzRng): GloveMutated }

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const join1 = (lines: string[]): Uint8Array => enc(lines.join('\n') + '\n')

/** Replaces the word of one line and says which words a correct import then has. */
function renamed(seed: GloveSeed, rng: FuzzRng, word: string): GloveMutated {
  const i = rng.int(seed.lines.length)
  const lines = seed.lines.slice()
  lines[i] = `${word} ${lines[i]!.split(' ').slice(-seed.dim).join(' ')}`
  return { bytes: join1(lines), note: `line ${i + 1} word ${JSON.stringify(word)}`, expectWords: unique(lines.map((l) => wordOf(l, seed.dim))) }
}

const GLOVE_MUTATIONS: GloveMutation[] = [
  ...textMutations.map(
    (m): GloveMutation => ({
      name: `glove-text:${m.name}`,
      apply(seed, rng) {
        const r = m.apply(seed.lines.join('\n') + '\n', rng)
        // A duplicated line is a repeated word: valid, the first vector kept.
        const valid = r.valid || m.name === 'duplicate-line' || m.name === 'blank-lines'
        return valid ? { ...r, expectWords: unique(seed.lines.map((l) => wordOf(l, seed.dim))) } : r
      }
    })
  ),
  {
    name: 'glove-header-line',
    apply: (seed) => ({ bytes: join1([`${seed.lines.length} ${seed.dim}`, ...seed.lines]), note: `"${seed.lines.length} ${seed.dim}"`, expectWords: unique(seed.lines.map((l) => wordOf(l, seed.dim))) })
  },
  {
    name: 'glove-header-lie',
    apply(seed, rng) {
      const count = rng.chance(0.5) ? seed.lines.length + rng.pick([-5, -1, 1, 1000]) : seed.lines.length
      const dim = count === seed.lines.length ? seed.dim + rng.pick([-1, 1, 100]) : seed.dim
      return { bytes: join1([`${count} ${dim}`, ...seed.lines]), note: `"${count} ${dim}" over ${seed.lines.length} x ${seed.dim}`, expectDim: seed.dim }
    }
  },
  { name: 'glove-space-word', apply: (seed, rng) => renamed(seed, rng, rng.pick(['new york', 'a b c', 'rock and roll'])) },
  { name: 'glove-quotes', apply: (seed, rng) => renamed(seed, rng, rng.pick(['"quoted"', "'s", '"', '""'])) },
  { name: 'glove-unicode-word', apply: (seed, rng) => renamed(seed, rng, rng.pick(['café', '日本', '🎵', 'naïve'])) },
  {
    name: 'glove-ragged',
    apply(seed, rng) {
      const i = rng.int(seed.lines.length)
      const lines = seed.lines.slice()
      const drop = rng.chance(0.5)
      lines[i] = drop ? lines[i]!.split(' ').slice(0, -1).join(' ') : `${lines[i]} 0.5`
      return { bytes: join1(lines), note: `line ${i + 1} ${drop ? 'one value short' : 'one value over'}`, expectDim: seed.dim }
    }
  },
  {
    name: 'glove-nonnumeric',
    apply(seed, rng) {
      const i = rng.int(seed.lines.length)
      const lines = seed.lines.slice()
      const tokens = lines[i]!.split(' ')
      const v = rng.pick(['nan', 'NaN', 'inf', '-Infinity', '1e999', '1,5', '', '0x1p3'])
      tokens[tokens.length - 1 - rng.int(seed.dim)] = v
      lines[i] = tokens.join(' ')
      return { bytes: join1(lines), note: `line ${i + 1} value ${JSON.stringify(v)}` }
    }
  },
  {
    name: 'glove-tabs',
    apply(seed, rng) {
      const all = rng.chance(0.5)
      const i = rng.int(seed.lines.length)
      const lines = seed.lines.map((l, k) => (all || k === i ? l.replace(/ /g, '\t') : l))
      return { bytes: join1(lines), note: all ? 'tabs everywhere' : `tabs on line ${i + 1}` }
    }
  }
]

/** Every GloVe mutation name. */
export const GLOVE_MUTATION_NAMES = GLOVE_MUTATIONS.map((m) => m.name)

/** Writes the pristine fixture table for the base library; returns the import command line. */
export function pristineGlove(dir: string): string[] {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'vectors.txt')
  writeFileSync(file, readFileSync(FIXTURES.glove))
  return ['import-glove', file]
}

/** One GloVe importer case. */
export function gloveCase(ctx: ImportCaseContext): ImportCase {
  const { rng } = ctx
  const seed = rng.pick(seeds())
  const m = rng.pick(GLOVE_MUTATIONS)
  const r = m.apply(seed, rng)
  mkdirSync(ctx.datasetDir, { recursive: true })
  const file = join(ctx.datasetDir, 'vectors.txt')
  writeFileSync(file, r.bytes)
  return {
    mutation: m.name,
    seedFile: seed.name,
    note: r.note,
    prepared: {
      argv: ['import-glove', file],
      names: [file, ctx.datasetDir],
      valid: r.expectWords !== undefined,
      async check(_lib, report) {
        const wrongs: string[] = []
        const { embeddings } = await loadGlove(file)
        const words = embeddings.words
        if (report.words !== words.length || report.dim !== embeddings.dim) wrongs.push(`report says ${String(report.words)} x ${String(report.dim)}, the table is ${words.length} x ${embeddings.dim}`)
        // A BOM or CR in a word can only come from the file's encoding or line ends, never from the vocabulary.
        const odd = words.find((w) => /[\ufeff\r]/.test(w))
        if (odd !== undefined) wrongs.push(`word ${JSON.stringify(odd)} keeps a BOM or CR`)
        const want = r.expectWords
        if (want && (embeddings.dim !== seed.dim || words.length !== want.length || words.some((w, i) => w !== want[i]))) {
          wrongs.push(`valid file read as ${words.length} x ${embeddings.dim} (first words ${JSON.stringify(words.slice(0, 3))}), expected ${want.length} x ${seed.dim}`)
        }
        if (r.expectDim !== undefined && embeddings.dim !== r.expectDim) wrongs.push(`dimension ${embeddings.dim}, the vectors have ${r.expectDim}`)
        for (const w of words.slice(0, 50)) {
          const v = embeddings.lookup(w)!
          if (v.some((x) => !Number.isFinite(x))) wrongs.push(`word ${JSON.stringify(w)} has a non-finite value`)
        }
        return wrongs
      }
    }
  }
}
