/** Ogg pages and the Vorbis identification header, for the oracles and the page mutations. */
import { text, view } from '../bytes'
import { crc32Ogg } from './crc'

/** One page: `at` its header, `segments` its lacing values, `body` where its data starts. */
export interface OggPage {
  at: number
  segments: number[]
  body: number
  end: number
}

/** The pages found by walking from the start (stops at the first break). */
export function oggPages(b: Uint8Array): OggPage[] {
  const out: OggPage[] = []
  let at = 0
  while (text(b, at, 4) === 'OggS' && at + 27 <= b.length) {
    const n = b[at + 26]!
    if (at + 27 + n > b.length) break
    const segments = Array.from(b.subarray(at + 27, at + 27 + n))
    const body = at + 27 + n
    const end = body + segments.reduce((s, x) => s + x, 0)
    out.push({ at, segments, body, end })
    at = end
  }
  return out
}

/** Rewrites the CRC of the page at `p` in place (after a mutation inside it). */
export function fixOggCrc(b: Uint8Array, p: OggPage): void {
  const end = Math.min(p.end, b.length)
  b.fill(0, p.at + 22, p.at + 26)
  view(b).setUint32(p.at + 22, crc32Ogg(b.subarray(p.at, end)), true)
}

/** Channels and rate of the first page's Vorbis identification header, if it has one. */
export function vorbisId(b: Uint8Array): { channels: number; sampleRate: number; at: number } | null {
  const first = oggPages(b)[0]
  if (!first || text(b, first.body, 7) !== '\x01vorbis' || first.body + 16 > b.length) return null
  return { channels: b[first.body + 11]!, sampleRate: view(b).getUint32(first.body + 12, true), at: first.body }
}
