/*
 * WAV mutations: every header field made to lie, one at a time, and the legal variants a reader
 * must take in its stride (a placeholder data size, an extra chunk, big-endian RIFX).
 */
import { ascii, concat, insertAt, view } from '../bytes'
import { dataAvailable, dataBytes, readWav, type WavInfo } from '../formats/wav-read'
import type { AudioKind, Mutated, Mutation } from './types'

const WAV: readonly AudioKind[] = ['wav']

/** Values that break size arithmetic: zero, the streaming placeholders, sign edges. */
const LYING_SIZES = [0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x10000]

/** Applies `edit` to a copy of a parsable WAV, or null when the seed does not parse. */
function onWav(b: Uint8Array, edit: (out: Uint8Array, w: WavInfo, v: DataView) => string | null, valid?: (w: WavInfo) => boolean): Mutated | null {
  const w = readWav(b)
  if (!w) return null
  const out = b.slice()
  const note = edit(out, w, view(out))
  return note === null ? null : { bytes: out, note, valid: valid?.(w) }
}

/** A header field of "fmt " set to one of `values` (or a random one). */
function fmtField(name: string, offset: number, width: 2 | 4, values: number[]): Mutation<AudioKind> {
  return {
    name,
    kinds: WAV,
    apply: (b, rng) =>
      onWav(b, (out, w, v) => {
        const f = w.chunks.find((c) => c.id === 'fmt ')
        if (!f || f.body + offset + width > out.length) return null
        const value = rng.chance(0.8) ? rng.pick(values) : rng.int(2 ** (8 * width))
        if (width === 2) v.setUint16(f.body + offset, value, w.littleEndian)
        else v.setUint32(f.body + offset, value, w.littleEndian)
        return `${value}`
      })
  }
}

/** Whether `size` as a data size still means the whole data chunk (issue 12, kind 6). */
const placeholder = (size: number, w: WavInfo, len: number): boolean =>
  w.data !== undefined && w.chunks[w.chunks.length - 1] === w.data && (size === 0 || size === 0xffffffff || size >= dataAvailable(w, len))

/** Every WAV-specific mutation. */
export const wavMutations: Mutation<AudioKind>[] = [
  {
    name: 'wav-data-size',
    kinds: WAV,
    apply(b, rng) {
      let valid = false
      const m = onWav(b, (out, w, v) => {
        if (!w.data) return null
        const avail = dataAvailable(w, out.length)
        const size = rng.chance(0.7) ? rng.pick(LYING_SIZES) : rng.pick([avail - 1, avail + 1, Math.floor(avail / 2), avail * 2, rng.int(2 ** 32)])
        v.setUint32(w.data.at + 4, size >>> 0, w.littleEndian)
        valid = placeholder(size >>> 0, w, out.length) && w.data.size === avail
        return `data size ${size >>> 0} (present ${avail})`
      })
      return m && { ...m, valid }
    }
  },
  {
    name: 'wav-riff-size',
    kinds: WAV,
    apply: (b, rng) =>
      onWav(b, (out, w, v) => {
        const size = rng.pick([...LYING_SIZES, out.length, out.length - 9, rng.int(2 ** 32)])
        v.setUint32(4, size >>> 0, w.littleEndian)
        return `RIFF size ${size >>> 0}`
      })
  },
  fmtField('wav-zero-channels', 2, 2, [0]),
  fmtField('wav-fmt-channels', 2, 2, [1, 2, 3, 7, 8, 255, 256, 65535]),
  fmtField('wav-fmt-rate', 4, 4, [0, 1, 7, 8000, 192000, 768000, 768001, 1_000_000, 0x7fffffff, 0xffffffff]),
  fmtField('wav-fmt-block-align', 12, 2, [0, 1, 2, 3, 5, 6, 8, 255, 65535]),
  fmtField('wav-fmt-bits', 14, 2, [0, 1, 7, 8, 12, 16, 20, 24, 32, 33, 64, 65535]),
  fmtField('wav-fmt-code', 0, 2, [0, 1, 2, 3, 6, 7, 0x11, 0x55, 0xfffe, 0xffff]),
  {
    name: 'wav-fmt-size',
    kinds: WAV,
    apply: (b, rng) =>
      onWav(b, (_out, w, v) => {
        const f = w.chunks.find((c) => c.id === 'fmt ')
        if (!f) return null
        const size = rng.pick([0, 2, 14, 15, 17, 18, 39, 40, 0xffff, 0x7fffffff, 0xffffffff])
        v.setUint32(f.at + 4, size, w.littleEndian)
        return `fmt size ${size}`
      })
  },
  {
    name: 'wav-chunk-id',
    kinds: WAV,
    apply: (b, rng) =>
      onWav(b, (out, w) => {
        const c = rng.pick(w.chunks)
        const id = rng.pick(['data', 'fmt ', 'JUNK', 'DATA', 'fmt\x00', '\x00\x00\x00\x00'])
        out.set(ascii(id), c.at)
        return `${JSON.stringify(c.id)} -> ${JSON.stringify(id)}`
      })
  },
  {
    name: 'wav-extra-chunk',
    kinds: WAV,
    apply(b, rng) {
      const w = readWav(b)
      if (!w?.data || !w.clean) return null
      const n = rng.range(0, 33)
      const id = rng.pick(['JUNK', 'LIST', 'bext', 'PAD ', 'fact'])
      const head = concat(ascii(id), new Uint8Array(4))
      view(head).setUint32(4, n, w.littleEndian)
      const chunk = concat(head, rng.bytes(n), new Uint8Array(n & 1))
      // Before fmt or data (any chunk up to data): still a valid file with the same samples.
      const at = rng.pick(w.chunks.filter((c) => c.at <= w.data!.at).map((c) => c.at))
      return { bytes: insertAt(b, at, chunk), note: `${id} of ${n} bytes before offset ${at}`, valid: true }
    }
  },
  {
    name: 'wav-float-nonfinite',
    kinds: WAV,
    apply: (b, rng) =>
      onWav(b, (out, w, v) => {
        if (!w.fmt || !w.data || w.fmt.code !== 3 || w.fmt.blockAlign === 0) return null
        const width = w.fmt.blockAlign / w.fmt.channels
        const count = Math.floor(dataBytes(w, out.length) / width)
        if (count === 0 || (width !== 4 && width !== 8)) return null
        const values = [NaN, Infinity, -Infinity]
        const at: number[] = []
        for (let k = rng.range(1, 3); k > 0; k--) {
          const i = rng.int(count)
          const p = w.data.body + i * width
          const x = rng.pick(values)
          if (width === 4) v.setFloat32(p, x, w.littleEndian)
          else v.setFloat64(p, x, w.littleEndian)
          at.push(i)
        }
        return `NaN/Inf at samples ${at.join(',')}`
      })
  },
  {
    name: 'wav-float-extreme',
    kinds: WAV,
    apply: (b, rng) =>
      onWav(b, (out, w, v) => {
        if (!w.fmt || !w.data || w.fmt.code !== 3 || w.fmt.blockAlign !== 4 * w.fmt.channels) return null
        const count = Math.floor(dataBytes(w, out.length) / 4)
        if (count === 0) return null
        const x = rng.pick([3.4e38, -3.4e38, 1e-45, 1e10, -2])
        v.setFloat32(w.data.body + 4 * rng.int(count), x, w.littleEndian)
        return `sample ${x}`
      }, () => true)
  },
  {
    name: 'wav-to-rf64',
    kinds: WAV,
    apply: (b) => toRf64(b, undefined)
  },
  {
    name: 'wav-rf64-lie',
    kinds: WAV,
    apply(b, rng) {
      const w = readWav(b)
      if (!w?.data) return null
      return toRf64(b, rng.pick([0, 1, w.data.size - 1, w.data.size + 1, w.data.size * 2, 2 ** 32, 2 ** 40, 2 ** 53 - 1]))
    }
  },
  {
    name: 'wav-to-rifx',
    kinds: WAV,
    apply(b) {
      const w = readWav(b)
      const plainPcm = w?.fmt && view(b).getUint16(w.chunks.find((c) => c.id === 'fmt ')!.body, true) === 1
      if (!w?.fmt || !w.data || !w.littleEndian || !w.clean || !plainPcm || w.fmt.channels === 0 || w.fmt.blockAlign % w.fmt.channels !== 0) return null
      return toRifx(b, w)
    }
  }
]

/** The same file big-endian: every chunk size, fmt field and sample byte-swapped. A valid variant. */
function toRifx(b: Uint8Array, w: WavInfo): Mutated {
  const out = b.slice()
  const v = view(out)
  const src = view(b)
  out.set(ascii('RIFX'), 0)
  v.setUint32(4, src.getUint32(4, true), false)
  for (const c of w.chunks) {
    if (c.body > out.length) continue
    v.setUint32(c.at + 4, c.size, false)
    if (c.id === 'fmt ' && c.body + 16 <= out.length) {
      for (const [o, width] of [[0, 2], [2, 2], [4, 4], [8, 4], [12, 2], [14, 2]] as const) swap(out, c.body + o, width)
    }
  }
  const width = w.fmt!.blockAlign / w.fmt!.channels
  const end = w.data!.body + dataBytes(w, b.length)
  for (let p = w.data!.body; p + width <= end; p += width) swap(out, p, width)
  return { bytes: out, note: `${width}-byte samples`, valid: true }
}

/**
 * The same file as RF64: "RF64" and a RIFF size of 0xFFFFFFFF, a ds64 chunk first stating the real
 * sizes, and 0xFFFFFFFF in the data chunk. Valid when `lie` (a ds64 data size) is not given.
 */
function toRf64(b: Uint8Array, lie: number | undefined): Mutated | null {
  const w = readWav(b)
  if (!w?.fmt || !w.data || !w.littleEndian || !w.clean || w.chunks[w.chunks.length - 1] !== w.data || w.rf64DataSize !== undefined) return null
  const size = dataBytes(w, b.length)
  const ds64 = new Uint8Array(8 + 28)
  const d = view(ds64)
  ds64.set(ascii('ds64'))
  d.setUint32(4, 28, true)
  d.setBigUint64(8, BigInt(b.length + ds64.length - 8), true)
  d.setBigUint64(16, BigInt(lie ?? size), true)
  d.setBigUint64(24, BigInt(w.fmt.blockAlign > 0 ? Math.floor(size / w.fmt.blockAlign) : 0), true)
  const out = insertAt(b, 12, ds64)
  const v = view(out)
  out.set(ascii('RF64'), 0)
  v.setUint32(4, 0xffffffff, true)
  v.setUint32(w.data.at + ds64.length + 4, 0xffffffff, true)
  return { bytes: out, note: lie === undefined ? `ds64 data size ${size}` : `ds64 data size ${lie}, present ${size}`, valid: lie === undefined }
}

function swap(b: Uint8Array, at: number, n: number): void {
  b.subarray(at, at + n).reverse()
}
