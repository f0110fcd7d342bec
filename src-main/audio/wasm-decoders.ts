import { MPEGDecoder } from 'mpg123-decoder'
import { FLACDecoder } from '@wasm-audio-decoders/flac'
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis'
import { commonBlockSize, explicitFrame, frameStart, metadataEnd, splitFlacFrames } from './flac-frames'
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
    // mpg123 resyncs on its own: if it locked onto another stream than the frames the probe chained
    // (false sync words in damaged data), the header and the decoder would tell two stories.
    if (result.samplesDecoded > 0 && probe.sampleRate !== undefined && result.sampleRate !== probe.sampleRate) {
      throw new UserError(`${name}: MPEG frames disagree (the first ones say ${probe.sampleRate} Hz, the stream decodes at ${result.sampleRate} Hz)`)
    }
    // mpg123-decoder always hands back two channels; a mono stream's header says 1.
    return finish(result, probe.channels ?? 2, { container: 'mp3', codec: probe.codec ?? 'mp3' }, 'MPEG audio frames', name)
  })
}

/**
 * Decodes native FLAC (skipping an ID3 tag some taggers put in front); the bit depth comes from the
 * stream. The frames are cut by splitFlacFrames and handed to libFLAC one by one, because the
 * package's own decodeFile loses some: its splitter (codec-parser) glues a short last frame onto the
 * one before, and libFLAC, fed one chunk per call, then never reaches it; a damaged frame is glued
 * to the next the same way. Here a damaged frame becomes silence of its block size, so every later
 * sample stays in place and the length equals what the last frame's header says (the header
 * reader's count). A frame header may defer to STREAMINFO (sample-rate code 0000 or sample-size
 * code 000, valid per the FLAC spec): libFLAC, which never sees STREAMINFO here, gets that frame
 * with the values written into its header (explicitFrame).
 */
export function decodeFlac(bytes: Uint8Array, probe: AudioProbe, name: string): Promise<RawAudio> {
  return withDecoder(new FLACDecoder(), async (d) => {
    const stream = bytes.subarray(probe.offset)
    const start = metadataEnd(stream, 0).end
    if (start > stream.length) throw new UserError(`${name}: FLAC metadata blocks run past the end of the file`)
    const pieces = splitFlacFrames(stream, start)
    const channels = probe.channels ?? 2
    // Damaged frames after the last intact one are a file cut off (or spoilt) at its end: those
    // samples are not there, and the header reader's count (totalFromLastFrame) ends there too.
    let lastIntact = pieces.length - 1
    while (lastIntact >= 0 && !pieces[lastIntact]!.intact) lastIntact--
    if (lastIntact < 0) throw new UserError(`${name}: no FLAC frames could be decoded${pieces.length > 0 ? " (every frame's CRC fails)" : ''}`)
    // Each frame goes where its header numbers it, so a damaged or lying frame cannot shift the rest.
    const info = { rate: probe.sampleRate ?? 0, bits: probe.streamInfo?.bits ?? 16, maxBlock: probe.streamInfo?.maxBlock ?? 0 }
    const block = commonBlockSize(pieces, info.maxBlock)
    const last = pieces[lastIntact]!
    const length = frameStart(last.header, block) + last.blockSize
    const out = Array.from({ length: channels }, () => new Float32Array(length))
    let decoded = 0
    let sampleRate = 0
    let bitDepth = 0
    let firstError = ''
    for (const piece of pieces.slice(0, lastIntact + 1)) {
      if (!piece.intact) continue // silence in its place
      const at = frameStart(piece.header, block)
      const deferring = piece.header.sampleRate === undefined || piece.header.bits === undefined
      const bytes = deferring ? explicitFrame(piece.bytes, piece.header, info.rate, info.bits) : piece.bytes
      if (!bytes) continue // a STREAMINFO value no frame header can state: silence
      const r = await quietly(() => d.decodeFrames([bytes]))
      if (r.samplesDecoded === piece.blockSize && r.channelData.length === channels && at + piece.blockSize <= length) {
        r.channelData.forEach((c, k) => out[k]!.set(c.subarray(0, piece.blockSize), at))
        decoded += piece.blockSize
        sampleRate ||= r.sampleRate
        bitDepth ||= r.bitDepth
      } else firstError ||= r.errors[0]?.message ?? `a frame gave ${r.samplesDecoded} of the ${piece.blockSize} samples its header states`
    }
    if (decoded === 0) throw new UserError(`${name}: no FLAC frames could be decoded${firstError ? `: ${firstError}` : ''}`)
    rescaleFlac(out, bitDepth)
    return { sampleRate, channels: out, format: { container: 'flac', codec: 'flac', bitDepth } }
  })
}

/** Decodes Ogg Vorbis. */
export function decodeOggVorbis(bytes: Uint8Array, name: string): Promise<RawAudio> {
  return withDecoder(new OggVorbisDecoder(), async (d) => {
    const result = await quietly(() => d.decodeFile(bytes))
    return finish(result, result.channelData.length, { container: 'ogg', codec: 'vorbis' }, 'Vorbis packets', name)
  })
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
