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
 * Decoded audio: one Float32Array per channel, nominally in [-1, 1]. Samples are passed through as
 * stored, so a float WAV may hold values beyond +-1, NaN or Infinity; callers that care must check.
 */
export interface DecodedAudio {
  sampleRate: Hz
  channels: Float32Array[]
  format: AudioFormatInfo
}
