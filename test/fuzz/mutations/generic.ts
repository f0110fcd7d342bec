/*
 * Format-blind mutations: they know nothing of the container, so they find what structure-aware
 * ones do not think of. Each copies its input.
 */
import { ascii, concat, insertAt } from '../bytes'
import type { FuzzRng } from '../random'
import type { AudioKind, Mutation } from './types'

const ALL: readonly AudioKind[] = ['wav', 'flac', 'mp3', 'ogg']
/** Bytes that break parsers more often than random ones: 0, all ones, sign edges. */
const INTERESTING = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe]
/** Sync words and magics of every supported container, to fake a stream start in the middle. */
export const SYNC_WORDS: Record<string, Uint8Array> = {
  mpeg: Uint8Array.of(0xff, 0xfb, 0x90, 0x64),
  mpeg2mono: Uint8Array.of(0xff, 0xf3, 0x48, 0xc4),
  flac: ascii('fLaC\x00\x00\x00\x22'),
  flacFrame: Uint8Array.of(0xff, 0xf8, 0x69, 0x08),
  ogg: ascii('OggS\x00\x02'),
  riff: ascii('RIFF\xff\xff\xff\xffWAVEfmt '),
  data: ascii('data\xff\xff\xff\x7f'),
  id3: ascii('ID3\x03\x00\x00\x7f\x7f\x7f\x7f')
}

/** A position biased toward the start, where the headers are. */
const headerBiased = (rng: FuzzRng, n: number): number => (rng.chance(0.5) ? rng.int(Math.min(n, 128)) : rng.int(n))

/** Every generic mutation, applicable to any audio kind. */
export const genericMutations: Mutation<AudioKind>[] = [
  {
    name: 'bit-flip',
    kinds: ALL,
    apply(b, rng) {
      const out = b.slice()
      const n = rng.range(1, 8)
      const at: number[] = []
      for (let i = 0; i < n; i++) {
        const p = headerBiased(rng, out.length)
        out[p]! ^= 1 << rng.int(8)
        at.push(p)
      }
      return { bytes: out, note: `flips at ${at.join(',')}` }
    }
  },
  {
    name: 'byte-overwrite',
    kinds: ALL,
    apply(b, rng) {
      const out = b.slice()
      const at = headerBiased(rng, out.length)
      const n = Math.min(rng.range(1, 16), out.length - at)
      const interesting = rng.chance(0.5)
      for (let i = 0; i < n; i++) out[at + i] = interesting ? rng.pick(INTERESTING) : rng.int(256)
      return { bytes: out, note: `${n} ${interesting ? 'edge' : 'random'} bytes at ${at}` }
    }
  },
  {
    name: 'truncate',
    kinds: ALL,
    apply(b, rng) {
      const at = rng.chance(0.3) ? rng.int(Math.min(b.length, 96)) : rng.int(b.length)
      return { bytes: b.slice(0, at), note: `cut at ${at} of ${b.length}` }
    }
  },
  {
    name: 'false-sync',
    kinds: ALL,
    apply(b, rng) {
      const key = rng.pick(Object.keys(SYNC_WORDS))
      const at = headerBiased(rng, b.length + 1)
      const overwrite = rng.chance(0.5)
      const word = SYNC_WORDS[key]!
      const bytes = overwrite ? b.slice() : insertAt(b, at, word)
      if (overwrite) bytes.set(word.subarray(0, Math.max(0, bytes.length - at)), at)
      return { bytes, note: `${key} ${overwrite ? 'written' : 'inserted'} at ${at}` }
    }
  },
  {
    name: 'zero-range',
    kinds: ALL,
    apply(b, rng) {
      const at = rng.int(b.length)
      const n = rng.range(1, Math.max(1, Math.floor(b.length / 4)))
      const out = b.slice()
      out.fill(0, at, at + n)
      return { bytes: out, note: `${n} zeros at ${at}` }
    }
  },
  {
    name: 'duplicate-range',
    kinds: ALL,
    apply(b, rng) {
      const from = rng.int(b.length)
      const n = rng.range(1, Math.min(4096, b.length - from))
      const to = rng.int(b.length + 1)
      return { bytes: insertAt(b, to, b.slice(from, from + n)), note: `${n} bytes from ${from} copied to ${to}` }
    }
  },
  {
    name: 'random-prefix',
    kinds: ALL,
    apply(b, rng) {
      const n = rng.range(1, 64)
      return { bytes: concat(rng.bytes(n), b), note: `${n} random bytes in front` }
    }
  },
  {
    name: 'random-bytes',
    kinds: ALL,
    apply(b, rng) {
      const n = rng.pick([1, 3, 4, 11, 12, 44, 100, 4096])
      const keepMagic = rng.chance(0.5)
      const out = rng.bytes(n)
      if (keepMagic) out.set(b.subarray(0, Math.min(4, n)))
      return { bytes: out, note: `${n} random bytes${keepMagic ? ' after the seed magic' : ''}` }
    }
  }
]
