/** MPEG audio frame headers: enough to find the frames and to state what each says. */
import { id3End } from './id3'

/** One frame header's fields. */
export interface MpegFrame {
  at: number
  length: number
  sampleRate: number
  channels: number
  /** 1, 2 or 3. */
  layer: number
}

const RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] }
// kbit/s by [version is MPEG-1][layer], index 1..14.
const BITRATES: Record<string, number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
}

/** The frame header at `at`, or null when the four bytes cannot be one (free format included). */
export function mpegFrameAt(b: Uint8Array, at: number): MpegFrame | null {
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return null
  const version = (b[at + 1]! >> 3) & 3
  const layer = 4 - ((b[at + 1]! >> 1) & 3)
  const brIndex = b[at + 2]! >> 4
  const rateIndex = (b[at + 2]! >> 2) & 3
  if (version === 1 || layer === 4 || brIndex === 0 || brIndex === 15 || rateIndex === 3) return null
  const sampleRate = RATES[version]![rateIndex]!
  const bitrate = BITRATES[`${version === 3 ? 1 : 2}-${layer}`]![brIndex]! * 1000
  const pad = (b[at + 2]! >> 1) & 1
  const length =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + pad) * 4
      : Math.floor(((layer === 3 && version !== 3 ? 72 : 144) * bitrate) / sampleRate) + pad
  return { at, length, sampleRate, channels: b[at + 3]! >> 6 === 3 ? 1 : 2, layer }
}

/** The chain of frames from the end of any ID3v2 tag, each following the last, until one breaks it. */
export function mpegFrames(b: Uint8Array): MpegFrame[] {
  const out: MpegFrame[] = []
  let at = id3End(b)
  for (let f = mpegFrameAt(b, at); f && f.length > 4; f = mpegFrameAt(b, at)) {
    out.push(f)
    at += f.length
  }
  return out
}
