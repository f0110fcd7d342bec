/*
 * An independent RIFF/WAVE reader for the oracles and the mutations: it shares no code with
 * src-main/audio, so a fault there cannot hide itself here. It reports what the bytes say and
 * whether the chunk walk was clean, and leaves all judgement to the caller.
 */
import { text, view } from '../bytes'

/** One chunk: `at` is its 8-byte header, `body` where its contents start, `size` as stated. */
export interface WavChunk {
  id: string
  at: number
  body: number
  size: number
}

/** The fields of a "fmt " chunk; `code` is the subformat's code for WAVE_FORMAT_EXTENSIBLE. */
export interface WavFmt {
  code: number
  channels: number
  sampleRate: number
  blockAlign: number
  bits: number
}

/** What a WAV file's chunks say. */
export interface WavInfo {
  littleEndian: boolean
  chunks: WavChunk[]
  fmt?: WavFmt
  data?: WavChunk
  /** Exactly one fmt and one data chunk. */
  clean: boolean
  /** RF64: the data size its ds64 chunk states (the data chunk then says 0xFFFFFFFF). */
  rf64DataSize?: number
}

/** Walks the chunks of a RIFF, RIFX or RF64 WAVE file, or returns null when the bytes are not one. */
export function readWav(b: Uint8Array): WavInfo | null {
  const tag = text(b, 0, 4)
  if ((tag !== 'RIFF' && tag !== 'RIFX' && tag !== 'RF64') || text(b, 8, 4) !== 'WAVE') return null
  const le = tag !== 'RIFX'
  const v = view(b)
  const chunks: WavChunk[] = []
  let at = 12
  while (at + 8 <= b.length) {
    const size = v.getUint32(at + 4, le)
    const id = text(b, at, 4)
    chunks.push({ id, at, body: at + 8, size })
    // A data size of 0 or 0xFFFFFFFF is a stream whose writer never went back: the rest is samples.
    if (id === 'data' && (size === 0 || size === 0xffffffff)) break
    at += 8 + size + (size & 1)
  }
  const ds64 = tag === 'RF64' ? chunks.find((c) => c.id === 'ds64' && c.size >= 16 && c.body + 16 <= b.length) : undefined
  const rf64DataSize = ds64 ? Number(v.getBigUint64(ds64.body + 8, true)) : undefined
  const fmts = chunks.filter((c) => c.id === 'fmt ')
  const datas = chunks.filter((c) => c.id === 'data')
  const f = fmts[0]
  let fmt: WavFmt | undefined
  if (f && f.size >= 16 && f.body + 16 <= b.length) {
    let code = v.getUint16(f.body, le)
    if (code === 0xfffe && f.size >= 40 && f.body + 26 <= b.length) code = v.getUint16(f.body + 24, le)
    fmt = { code, channels: v.getUint16(f.body + 2, le), sampleRate: v.getUint32(f.body + 4, le), blockAlign: v.getUint16(f.body + 12, le), bits: v.getUint16(f.body + 14, le) }
  }
  const clean = fmts.length === 1 && datas.length === 1
  return { littleEndian: le, chunks, fmt, data: datas[0], clean, rf64DataSize }
}

/** Bytes available to the data chunk: from its body to the end of the file. */
export const dataAvailable = (w: WavInfo, fileLength: number): number => (w.data ? Math.max(0, fileLength - w.data.body) : 0)

/** The data chunk's size in use: stated, or to the end of the file for 0, 0xFFFFFFFF or a size past the end. */
export function dataBytes(w: WavInfo, fileLength: number): number {
  const avail = dataAvailable(w, fileLength)
  const stated = w.data?.size ?? 0
  return stated === 0 || stated === 0xffffffff || stated > avail ? avail : stated
}

/**
 * The frame count a correct reader must give (issue 12, kind 6): the stated data size capped at
 * the bytes present, with 0 and 0xFFFFFFFF meaning "to the end of the file" (RF64: the ds64 size,
 * capped). Only defined for a clean file whose data chunk is the last one (otherwise "to the end"
 * would take other chunks in).
 */
export function expectedWavFrames(w: WavInfo, fileLength: number): number | undefined {
  if (!w.clean || !w.fmt || !w.data || w.fmt.blockAlign === 0) return undefined
  const last = w.chunks[w.chunks.length - 1] === w.data
  const avail = dataAvailable(w, fileLength)
  if (w.rf64DataSize !== undefined && w.data.size === 0xffffffff) {
    // RF64: ds64 states the size; its 0 has no agreed meaning, so no frame count is expected then.
    return w.rf64DataSize === 0 ? undefined : Math.floor(Math.min(w.rf64DataSize, avail) / w.fmt.blockAlign)
  }
  const stated = w.data.size
  const toEnd = stated === 0 || stated === 0xffffffff || stated > avail
  if (toEnd && !last) return undefined
  return Math.floor((toEnd ? avail : stated) / w.fmt.blockAlign)
}

/**
 * Sample `frame` of channel `ch` read straight from the bytes, with the project's scaling (integers
 * over 2^(bits-1) of the container, unsigned 8-bit centred on 128). Undefined for other encodings.
 */
export function wavSample(b: Uint8Array, w: WavInfo, frame: number, ch: number): number | undefined {
  if (!w.fmt || !w.data) return undefined
  const { code, channels, blockAlign } = w.fmt
  if (channels === 0 || blockAlign % channels !== 0) return undefined
  const bps = blockAlign / channels
  const p = w.data.body + frame * blockAlign + ch * bps
  if (p + bps > b.length) return undefined
  const v = view(b)
  const le = w.littleEndian
  if (code === 3 && bps === 4) return v.getFloat32(p, le)
  if (code === 3 && bps === 8) return v.getFloat64(p, le)
  if (code !== 1) return undefined
  if (bps === 1) return (v.getUint8(p) - 128) / 128
  if (bps === 2) return v.getInt16(p, le) / 32768
  if (bps === 3) return (le ? (v.getInt8(p + 2) << 16) | (v.getUint8(p + 1) << 8) | v.getUint8(p) : (v.getInt8(p) << 16) | (v.getUint8(p + 1) << 8) | v.getUint8(p + 2)) / 8388608
  if (bps === 4) return v.getInt32(p, le) / 2147483648
  return undefined
}
