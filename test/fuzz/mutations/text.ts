/*
 * Mutations of line-based text files (GloVe vectors, MagnaTagATune CSVs, VCTK speaker lists and
 * transcripts). `valid` marks the ones any tolerant reader must take as the same content.
 */
import type { FuzzRng } from '../random'

/** What a text mutation made. */
export interface TextMutated {
  bytes: Uint8Array
  note: string
  /** Same content for a reader that tolerates line-end and blank-line variants. */
  valid?: boolean
}

/** A named text mutation. */
export interface TextMutation {
  name: string
  apply(text: string, rng: FuzzRng): TextMutated
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const lines = (s: string): string[] => s.split('\n')

/** Mutations that apply to any line-based text. */
export const textMutations: TextMutation[] = [
  { name: 'bom', apply: (t) => ({ bytes: enc('\ufeff' + t), note: 'UTF-8 BOM in front' }) },
  { name: 'crlf', apply: (t) => ({ bytes: enc(t.replace(/\r?\n/g, '\r\n')), note: 'CRLF line ends', valid: true }) },
  { name: 'lf', apply: (t) => ({ bytes: enc(t.replace(/\r\n/g, '\n')), note: 'LF line ends', valid: true }) },
  {
    name: 'empty-lines',
    apply(t, rng) {
      // Truly empty lines, with the file's own line end (a lone LF in a CRLF file is another mutation).
      const eol = t.includes('\r\n') ? '\r\n' : '\n'
      const ls = t.split(eol)
      const at = rng.range(1, ls.length)
      ls.splice(at, 0, '')
      return { bytes: enc(ls.join(eol) + (rng.chance(0.5) ? eol + eol : '')), note: `empty line before line ${at + 1}`, valid: true }
    }
  },
  {
    name: 'blank-lines',
    apply(t, rng) {
      const ls = lines(t)
      const at = rng.range(1, ls.length)
      const blank = rng.pick(['   ', '\t', ' \t '])
      ls.splice(at, 0, blank)
      return { bytes: enc(ls.join('\n')), note: `line of ${JSON.stringify(blank)} before line ${at + 1}` }
    }
  },
  {
    name: 'no-final-newline',
    apply: (t) => ({ bytes: enc(t.replace(/\s+$/, '')), note: 'last line without a newline', valid: true })
  },
  {
    name: 'duplicate-line',
    apply(t, rng) {
      const ls = lines(t)
      const i = rng.int(ls.length)
      ls.splice(i + 1, 0, ls[i]!)
      return { bytes: enc(ls.join('\n')), note: `line ${i + 1} twice` }
    }
  },
  {
    name: 'drop-line',
    apply(t, rng) {
      const ls = lines(t)
      const i = rng.int(ls.length)
      ls.splice(i, 1)
      return { bytes: enc(ls.join('\n')), note: `line ${i + 1} removed` }
    }
  },
  {
    name: 'text-truncate',
    apply(t, rng) {
      const b = enc(t)
      const at = rng.int(b.length)
      return { bytes: b.slice(0, at), note: `cut at byte ${at} of ${b.length}` }
    }
  },
  {
    name: 'text-bit-flip',
    apply(t, rng) {
      const b = enc(t)
      const n = rng.range(1, 6)
      for (let i = 0; i < n; i++) b[rng.int(b.length)] ^= 1 << rng.int(8)
      return { bytes: b, note: `${n} bit flips` }
    }
  },
  {
    name: 'nul-bytes',
    apply(t, rng) {
      const b = enc(t)
      const at = rng.int(b.length)
      b.fill(0, at, at + rng.range(1, 8))
      return { bytes: b, note: `NUL bytes at ${at}` }
    }
  },
  {
    name: 'zero-byte-file',
    apply: () => ({ bytes: new Uint8Array(0), note: 'empty file' })
  }
]
