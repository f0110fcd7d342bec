/*
 * Ogg mutations: page segment tables that lie, bytes changed inside a page with its CRC recomputed
 * (so the change reaches the Vorbis decoder), identification-header fields (channels, rate), and
 * granule positions, which give the stream's length.
 */
import { view } from '../bytes'
import { fixOggCrc, oggPages } from '../formats/ogg-read'
import type { AudioKind, Mutation } from './types'

const OGG: readonly AudioKind[] = ['ogg']

/** Every Ogg-specific mutation. */
export const oggMutations: Mutation<AudioKind>[] = [
  {
    name: 'ogg-page-size',
    kinds: OGG,
    apply(b, rng) {
      const pages = oggPages(b)
      if (pages.length === 0) return null
      const p = rng.pick(pages)
      const out = b.slice()
      const count = rng.chance(0.5)
      if (count) out[p.at + 26] = rng.pick([0, 1, 255, rng.int(256)])
      else if (p.segments.length > 0) out[p.body - p.segments.length + rng.int(p.segments.length)] = rng.pick([0, 1, 254, 255])
      if (rng.chance(0.7)) fixOggCrc(out, p)
      return { bytes: out, note: `page at ${p.at}: ${count ? 'segment count' : 'a lacing value'} changed` }
    }
  },
  {
    name: 'ogg-body-crc-fixed',
    kinds: OGG,
    apply(b, rng) {
      const pages = oggPages(b).filter((p) => p.end > p.body && p.end <= b.length)
      if (pages.length === 0) return null
      const p = rng.pick(pages)
      const out = b.slice()
      const n = rng.range(1, 4)
      for (let i = 0; i < n; i++) out[p.body + rng.int(p.end - p.body)] = rng.int(256)
      fixOggCrc(out, p)
      return { bytes: out, note: `${n} bytes of the page at ${p.at}, CRC fixed` }
    }
  },
  {
    name: 'ogg-vorbis-id',
    kinds: OGG,
    apply(b, rng) {
      const first = oggPages(b)[0]
      if (!first || first.body + 30 > b.length) return null
      const out = b.slice()
      const channels = rng.chance(0.5)
      if (channels) out[first.body + 11] = rng.pick([0, 1, 3, 8, 255])
      else view(out).setUint32(first.body + 12, rng.pick([0, 1, 8000, 768001, 0x7fffffff, 0xffffffff]), true)
      fixOggCrc(out, first)
      return { bytes: out, note: `identification header ${channels ? `channels ${out[first.body + 11]}` : `rate ${view(out).getUint32(first.body + 12, true)}`}` }
    }
  },
  {
    name: 'ogg-granule',
    kinds: OGG,
    apply(b, rng) {
      const pages = oggPages(b)
      if (pages.length === 0) return null
      const p = rng.chance(0.6) ? pages[pages.length - 1]! : rng.pick(pages)
      const out = b.slice()
      const g = rng.pick([0n, 1n, 0xffffffffffffffffn, 0x7fffffffffffffffn, BigInt(rng.int(2 ** 31))])
      view(out).setBigUint64(p.at + 6, g, true)
      fixOggCrc(out, p)
      return { bytes: out, note: `granule ${g} on the page at ${p.at}` }
    }
  }
]
