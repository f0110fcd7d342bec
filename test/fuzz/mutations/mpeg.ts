/*
 * MPEG audio mutations: frame-header fields changed (the first frame decides the channel count the
 * probe reports), ID3 tags whose sizes lie, and the Xing/LAME header that gapless decoding trusts
 * for the stream's length.
 */
import { ascii, concat, findAll, text } from '../bytes'
import { id3End, id3Tag } from '../formats/id3'
import { mpegFrames } from '../formats/mpeg-read'
import type { AudioKind, Mutation } from './types'

const MP3: readonly AudioKind[] = ['mp3']

/** Header bit fields: [name, byte, shift, width]. */
const FIELDS = [
  ['version', 1, 3, 2],
  ['layer', 1, 1, 2],
  ['protection', 1, 0, 1],
  ['bitrate', 2, 4, 4],
  ['rate', 2, 2, 2],
  ['padding', 2, 1, 1],
  ['mode', 3, 6, 2]
] as const

/** Every MPEG-specific mutation. */
export const mpegMutations: Mutation<AudioKind>[] = [
  {
    name: 'mpeg-frame-header',
    kinds: MP3,
    apply(b, rng) {
      const frames = mpegFrames(b)
      if (frames.length === 0) return null
      const f = rng.chance(0.5) ? frames[0]! : rng.pick(frames)
      const [field, byte, shift, width] = rng.pick(FIELDS)
      const value = rng.int(2 ** width)
      const out = b.slice()
      const mask = ((2 ** width - 1) << shift) & 0xff
      out[f.at + byte] = (out[f.at + byte]! & ~mask) | (value << shift)
      return { bytes: out, note: `${field} = ${value} in the frame at ${f.at}` }
    }
  },
  {
    name: 'mpeg-first-mode',
    kinds: MP3,
    apply(b) {
      const first = mpegFrames(b)[0]
      if (!first) return null
      const out = b.slice()
      // Stereo <-> mono in the first frame only: the probe reads this frame, mpg123 the stream.
      out[first.at + 3] = out[first.at + 3]! ^ 0xc0
      return { bytes: out, note: `first frame mode ${out[first.at + 3]! >> 6}` }
    }
  },
  {
    name: 'id3-lying-size',
    kinds: ['mp3', 'flac'],
    apply(b, rng) {
      const padding = rng.pick([0, 16, 300])
      const truth = id3Tag(padding).length - 10
      const stated = rng.pick([0, 1, truth - 1, truth + 1, truth + 1000, 0x0fffffff, rng.int(0x10000000)])
      return { bytes: concat(id3Tag(padding, Math.max(0, stated)), b.subarray(id3End(b))), note: `ID3 states ${stated} bytes, holds ${truth}` }
    }
  },
  {
    name: 'id3-valid',
    kinds: MP3,
    apply: (b, rng) => ({ bytes: concat(id3Tag(rng.pick([0, 100, 5000])), b), note: 'ID3v2.3 tag in front', valid: true })
  },
  {
    name: 'id3v1-append',
    kinds: MP3,
    apply: (b) => {
      const tag = new Uint8Array(128)
      tag.set(ascii('TAGfuzz'))
      return { bytes: concat(b, tag), note: 'ID3v1 tag at the end', valid: text(b, b.length - 128, 3) !== 'TAG' }
    }
  },
  {
    name: 'mpeg-xing-lie',
    kinds: MP3,
    apply(b, rng) {
      const at = [...findAll(b.subarray(0, 4096), ascii('Xing')), ...findAll(b.subarray(0, 4096), ascii('Info'))][0]
      if (at === undefined) return null
      const out = b.slice()
      const field = rng.pick(['frames', 'bytes', 'lame-delay', 'lame-padding'] as const)
      const value = rng.pick([0, 1, 0xfff, 0x7fffffff, 0xffffffff, rng.int(2 ** 32)])
      if (field === 'frames' || field === 'bytes') {
        out[at + 7] = out[at + 7]! | (field === 'frames' ? 1 : 2)
        const p = at + 8 + (field === 'bytes' && (out[at + 7]! & 1) ? 4 : 0)
        out.set([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff], p)
      } else {
        // LAME tag: 'LAME' + 5 version bytes, ..., encoder delay and padding as two 12-bit fields at +21.
        const lame = findAll(out.subarray(at, at + 400), ascii('LAME'))[0]
        if (lame === undefined) return null
        const p = at + lame + 21
        const v = value & 0xfff
        if (field === 'lame-delay') out.set([v >> 4, ((v & 15) << 4) | (out[p + 1]! & 15)], p)
        else out.set([(out[p + 1]! & 0xf0) | (v >> 8), v & 0xff], p + 1)
      }
      return { bytes: out, note: `${field} = ${field.startsWith('lame') ? value & 0xfff : value}` }
    }
  }
]
