import { MPEGDecoder } from 'mpg123-decoder'
import { FLACDecoder } from '@wasm-audio-decoders/flac'
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis'
import CodecParser from 'codec-parser'
import { UserError } from '../util/errors'
import type { AudioProbe } from './probe'
import type { RawAudio } from './types'

/** What every wasm-audio-decoders result shares. */
interface WasmResult {
  channelData: Float32Array[]
  samplesDecoded: number
  sampleRate: number
  errors: { message: string }[]
}

/** Decodes MP3 (MPEG layer I-III) with mpg123; gapless, so LAME's encoder delay is trimmed. */
export function decodeMp3(bytes: Uint8Array, probe: AudioProbe, name: string): Promise<RawAudio> {
  return withDecoder(new MPEGDecoder({ enableGapless: true }), (d) => {
    const result = quietly(() => d.decode(bytes.subarray(probe.offset)))
    // mpg123-decoder always hands back two channels; a mono stream's header says 1.
    return finish(result, probe.channels ?? 2, { container: 'mp3', codec: probe.codec ?? 'mp3' }, 'MPEG audio frames', name)
  })
}

/**
 * Decodes native FLAC (skipping an ID3 tag some taggers put in front); the bit depth comes from the
 * stream. The decoder's own decodeFile hands libFLAC bare frames, so a frame header that defers to
 * STREAMINFO (sample-rate code 0000 or sample-size code 000, both valid per the FLAC format spec)
 * was lost: libFLAC had never seen STREAMINFO. Here the frames are split by codec-parser (the
 * decoder's own splitter) and libFLAC gets "fLaC" + STREAMINFO first, marked as the last metadata
 * block (libFLAC reads one metadata block per call, so more blocks would delay every frame).
 */
export function decodeFlac(bytes: Uint8Array, probe: AudioProbe, name: string): Promise<RawAudio> {
  return withDecoder(new FLACDecoder(), async (d) => {
    const stream = bytes.subarray(probe.offset)
    const frames = quietly(() => [...new CodecParser('audio/flac', { enableLogging: false }).parseAll(stream)].map((f) => f.data))
    if (frames.length > 0) frames.push(...splitJoinedFrames(frames.pop()!))
    const result = await quietly(() => d.decodeFrames([streamInfoOnly(stream), ...frames]))
    const audio = finish(result, result.channelData.length, { container: 'flac', codec: 'flac', bitDepth: result.bitDepth }, 'FLAC frames', name)
    rescaleFlac(audio.channels, result.bitDepth)
    return audio
  })
}

/** Decodes Ogg Vorbis. */
export function decodeOggVorbis(bytes: Uint8Array, name: string): Promise<RawAudio> {
  return withDecoder(new OggVorbisDecoder(), async (d) => {
    const result = await quietly(() => d.decodeFile(bytes))
    return finish(result, result.channelData.length, { container: 'ogg', codec: 'vorbis' }, 'Vorbis packets', name)
  })
}

/** FLAC's CRC-16 (polynomial 0x8005, initial value 0, not reflected), a table per byte value. */
const CRC16 = Uint16Array.from({ length: 256 }, (_, byte) => {
  let c = byte << 8
  for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff
  return c
})

/**
 * codec-parser, flushing at the end of the input, hands over everything after the last header it
 * could confirm as one frame, so a short last frame (a few bytes: a constant subframe) arrives
 * glued to the frame before it, and libFLAC, fed one frame per call, never gets to it (measured: VCTK
 * takes lost their last 833 to 1,898 samples). A FLAC frame ends with the CRC-16 of everything
 * before it, so the running CRC over a frame and its footer is 0: the frames are split wherever that
 * happens right before a frame sync code (0xFFF8/0xFFF9). libFLAC still checks every piece's own
 * header CRC-8 and footer CRC-16.
 */
function splitJoinedFrames(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = []
  let start = 0
  let crc = 0
  for (let i = 0; i < data.length; i++) {
    crc = ((crc << 8) & 0xffff) ^ CRC16[(crc >> 8) ^ data[i]!]!
    const syncNext = data[i + 1] === 0xff && (data[i + 2] === 0xf8 || data[i + 2] === 0xf9)
    if (crc === 0 && syncNext && i + 1 - start > 2) {
      out.push(data.subarray(start, i + 1))
      start = i + 1
    }
  }
  out.push(data.subarray(start))
  return out
}

/** "fLaC" and the STREAMINFO block (4-byte block header + 34 bytes; the probe checked it is there), flagged last. */
function streamInfoOnly(stream: Uint8Array): Uint8Array {
  const head = stream.slice(0, 42)
  head[4] = 0x80 // last-metadata-block flag, block type 0 (STREAMINFO)
  return head
}

/**
 * Runs `work` with console output swallowed. The wasm decoders and codec-parser print multi-line
 * complaints to the console while they decode; the user gets one line from us instead (the first
 * complaint is kept in the result's `errors`). Only synchronous work runs in between (the decoders'
 * async methods do all their work before their first await), so no one else's output is lost.
 */
function quietly<T>(work: () => T): T {
  const saved = { error: console.error, warn: console.warn, log: console.log, info: console.info }
  const drop = (): void => {}
  Object.assign(console, { error: drop, warn: drop, log: drop, info: drop })
  try {
    return work()
  } finally {
    Object.assign(console, saved)
  }
}

/** Waits for a decoder's wasm, runs `use`, and always frees the decoder's memory afterwards. */
async function withDecoder<D extends { ready: Promise<void>; free(): void }, T>(decoder: D, use: (d: D) => T | Promise<T>): Promise<T> {
  await decoder.ready
  try {
    return await use(decoder)
  } finally {
    decoder.free()
  }
}

/**
 * The FLAC decoder divides integers by 2^(bits-1) - 1; WAV readers (ours, sox, libsndfile) divide by
 * 2^(bits-1). Recover each integer and rescale, so a FLAC decodes bit-identical to its source WAV.
 * Rounding is exact up to 24 bits: float32 holds those integers with error far below 0.5.
 */
function rescaleFlac(channels: Float32Array[], bits: number): void {
  if (!(bits >= 2 && bits <= 32)) return
  const decoderScale = 2 ** (bits - 1) - 1
  const ourScale = 2 ** (bits - 1)
  for (const c of channels) for (let i = 0; i < c.length; i++) c[i] = Math.round(c[i]! * decoderScale) / ourScale
}

/**
 * Refuses a stream that yielded nothing (naming the decoder's first complaint). A stream that is
 * damaged part-way keeps what decoded, as players do.
 */
function finish(r: WasmResult, channels: number, format: RawAudio['format'], unit: string, name: string): RawAudio {
  if (r.samplesDecoded === 0 || r.sampleRate === 0) {
    const why = r.errors[0] ? `: ${r.errors[0].message}` : ''
    throw new UserError(`${name}: no ${unit} could be decoded${why}`)
  }
  const kept = r.channelData.slice(0, channels).map((c) => (c.length === r.samplesDecoded ? c : c.slice(0, r.samplesDecoded)))
  return { sampleRate: r.sampleRate, channels: kept, format }
}
