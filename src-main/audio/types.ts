import type { Hz } from '../util/units'

/** What a decoded file was: its container, the codec inside it, and the stored bit depth if any. */
export interface AudioFormatInfo {
  container: 'wav' | 'mp3' | 'flac' | 'ogg'
  /** e.g. 'pcm_s16le', 'pcm_f32le', 'mp3', 'flac', 'vorbis' (ffmpeg's names, so users recognise them). */
  codec: string
  /** Bits per stored sample for lossless formats; undefined for lossy codecs. */
  bitDepth?: number
}

/**
 * Decoded audio: one Float32Array per channel, nominally in [-1, 1]. Finite samples are passed through
 * as stored (a float WAV may exceed +-1); NaN and +-Infinity never reach a caller: decodeBuffer
 * interpolates over them from their finite neighbours and counts them in `nonFinite`, which every
 * door reports.
 */
export interface DecodedAudio {
  sampleRate: Hz
  channels: Float32Array[]
  format: AudioFormatInfo
  /** How many NaN/Infinity samples (over all channels) were replaced while decoding. */
  nonFinite: number
}

/** What one container's decoder returns, before decodeBuffer's checks and finite-sample repair. */
export type RawAudio = Omit<DecodedAudio, 'nonFinite'>
