/*
 * Small valid WAV files for the seed corpus, written here rather than with the product's encoder so
 * the corpus does not inherit its faults: every PCM width, float 32/64, extensible headers, RIFX,
 * and chunks before the data.
 */
import { ascii, concat, view } from '../bytes'

/** Sample encodings the generator writes. */
export type WavEncoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'f32' | 'f64'

/** What to generate. */
export interface WavSpec {
  encoding: WavEncoding
  channels: number
  sampleRate: number
  frames: number
  extensible?: boolean
  bigEndian?: boolean
  /** A LIST chunk before "data" (odd-sized, so its pad byte is exercised). */
  listChunk?: boolean
}

const BYTES: Record<WavEncoding, number> = { pcm8: 1, pcm16: 2, pcm24: 3, pcm32: 4, f32: 4, f64: 8 }

/** A sine per channel (a different pitch each) at -6 dBFS, so channel mix-ups show. */
export const testSignal = (ch: number, i: number, rate: number): number => 0.5 * Math.sin((2 * Math.PI * (220 * (ch + 1)) * i) / rate)

/** Encodes `spec` with testSignal as its samples. */
export function writeTestWav(spec: WavSpec): Uint8Array {
  const le = !spec.bigEndian
  const bps = BYTES[spec.encoding]
  const blockAlign = bps * spec.channels
  const data = new Uint8Array(spec.frames * blockAlign)
  const d = view(data)
  for (let i = 0; i < spec.frames; i++) {
    for (let c = 0; c < spec.channels; c++) writeSample(d, i * blockAlign + c * bps, spec.encoding, testSignal(c, i, spec.sampleRate), le)
  }
  const float = spec.encoding === 'f32' || spec.encoding === 'f64'
  const code = float ? 3 : 1
  const fmt = new Uint8Array(spec.extensible ? 40 : 16)
  const f = view(fmt)
  f.setUint16(0, spec.extensible ? 0xfffe : code, le)
  f.setUint16(2, spec.channels, le)
  f.setUint32(4, spec.sampleRate, le)
  f.setUint32(8, spec.sampleRate * blockAlign, le)
  f.setUint16(12, blockAlign, le)
  f.setUint16(14, bps * 8, le)
  if (spec.extensible) {
    f.setUint16(16, 22, le)
    f.setUint16(18, bps * 8, le)
    f.setUint16(24, code, le)
    // The rest of KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: 0000-0010-8000-00aa00389b71.
    fmt.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26)
  }
  const chunk = (id: string, body: Uint8Array): Uint8Array => {
    const head = concat(ascii(id), new Uint8Array(4))
    view(head).setUint32(4, body.length, le)
    return concat(head, body, body.length & 1 ? new Uint8Array(1) : new Uint8Array(0))
  }
  const parts = [chunk('fmt ', fmt)]
  if (spec.listChunk) parts.push(chunk('LIST', ascii('INFOISFT\x05\x00\x00\x00fuzz')))
  parts.push(chunk('data', data))
  const body = concat(ascii('WAVE'), ...parts)
  const head = concat(ascii(spec.bigEndian ? 'RIFX' : 'RIFF'), new Uint8Array(4))
  view(head).setUint32(4, body.length, le)
  return concat(head, body)
}

function writeSample(d: DataView, at: number, enc: WavEncoding, x: number, le: boolean): void {
  switch (enc) {
    case 'pcm8':
      return d.setUint8(at, Math.round(x * 127) + 128)
    case 'pcm16':
      return d.setInt16(at, Math.round(x * 32767), le)
    case 'pcm24': {
      const v = Math.round(x * 8388607)
      const bytes = [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff]
      for (let k = 0; k < 3; k++) d.setUint8(at + k, bytes[le ? k : 2 - k]!)
      return
    }
    case 'pcm32':
      return d.setInt32(at, Math.round(x * 2147483647), le)
    case 'f32':
      return d.setFloat32(at, x, le)
    case 'f64':
      return d.setFloat64(at, x, le)
  }
}
