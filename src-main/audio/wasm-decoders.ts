import { MPEGDecoder } from 'mpg123-decoder'
import { FLACDecoder } from '@wasm-audio-decoders/flac'
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis'
import { UserError } from '../util/errors'
import type { AudioProbe } from './probe'
import type { DecodedAudio } from './types'

/** What every wasm-audio-decoders result shares. */
interface WasmResult {
  channelData: Float32Array[]
  samplesDecoded: number
  sampleRate: number
  errors: { message: string }[]
}

/** Decodes MP3 (MPEG layer I-III) with mpg123; gapless, so LAME's encoder delay is trimmed. */
export function decodeMp3(bytes: Uint8Array, probe: AudioProbe, name: string): Promise<DecodedAudio> {
  return withDecoder(new MPEGDecoder({ enableGapless: true }), (d) => {
    const result = d.decode(bytes.subarray(probe.offset))
    // mpg123-decoder always hands back two channels; a mono stream's header says 1.
    return finish(result, probe.channels ?? 2, { container: 'mp3', codec: probe.codec ?? 'mp3' }, 'MPEG audio frames', name)
  })
}

/** Decodes native FLAC (skipping an ID3 tag some taggers put in front); the bit depth comes from the stream. */
export function decodeFlac(bytes: Uint8Array, probe: AudioProbe, name: string): Promise<DecodedAudio> {
  return withDecoder(new FLACDecoder(), async (d) => {
    const result = await d.decodeFile(bytes.subarray(probe.offset))
    const audio = finish(result, result.channelData.length, { container: 'flac', codec: 'flac', bitDepth: result.bitDepth }, 'FLAC frames', name)
    rescaleFlac(audio.channels, result.bitDepth)
    return audio
  })
}

/** Decodes Ogg Vorbis. */
export function decodeOggVorbis(bytes: Uint8Array, name: string): Promise<DecodedAudio> {
  return withDecoder(new OggVorbisDecoder(), async (d) => {
    const result = await d.decodeFile(bytes)
    return finish(result, result.channelData.length, { container: 'ogg', codec: 'vorbis' }, 'Vorbis packets', name)
  })
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
function finish(r: WasmResult, channels: number, format: DecodedAudio['format'], unit: string, name: string): DecodedAudio {
  if (r.samplesDecoded === 0 || r.sampleRate === 0) {
    const why = r.errors[0] ? `: ${r.errors[0].message}` : ''
    throw new UserError(`${name}: no ${unit} could be decoded${why}`)
  }
  const kept = r.channelData.slice(0, channels).map((c) => (c.length === r.samplesDecoded ? c : c.slice(0, r.samplesDecoded)))
  return { sampleRate: r.sampleRate, channels: kept, format }
}
