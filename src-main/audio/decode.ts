import { UserError } from '../util/errors'
import { probeAudio } from './probe'
import { readAudioFile } from './read-file'
import { decodeWav } from './wav-decode'
import { decodeFlac, decodeMp3, decodeOggVorbis } from './wasm-decoders'
import type { DecodedAudio } from './types'

/** Highest rate accepted from a header: beyond any real recording, so larger means a corrupt file. */
const MAX_SAMPLE_RATE = 768_000

/**
 * Decodes WAV, MP3, FLAC or Ogg Vorbis from bytes, choosing by magic bytes. `name` (usually the path)
 * starts every error message. NaN/Inf samples in float WAVs are passed through, not refused.
 */
export async function decodeBuffer(bytes: Uint8Array, name: string): Promise<DecodedAudio> {
  const probe = probeAudio(bytes, name)
  let audio: DecodedAudio
  try {
    switch (probe.container) {
      case 'wav':
        audio = decodeWav(bytes, name)
        break
      case 'mp3':
        audio = await decodeMp3(bytes, probe, name)
        break
      case 'flac':
        audio = await decodeFlac(bytes, probe, name)
        break
      case 'ogg':
        audio = await decodeOggVorbis(bytes, name)
        break
    }
  } catch (err) {
    if (err instanceof UserError) throw err
    // A decoder library failing on malformed input is still the file's fault, not a crash.
    throw new UserError(`${name}: could not be decoded as ${probe.container} (${(err as Error)?.message ?? String(err)})`, { cause: err })
  }
  return checked(audio, name)
}

/** Reads and decodes an audio file (see decodeBuffer). */
export async function decodeFile(path: string): Promise<DecodedAudio> {
  return decodeBuffer(await readAudioFile(path), path)
}

function checked(audio: DecodedAudio, name: string): DecodedAudio {
  const frames = audio.channels[0]?.length ?? 0
  if (audio.channels.length === 0 || frames === 0) throw new UserError(`${name}: contains no audio samples`)
  if (!(audio.sampleRate > 0 && audio.sampleRate <= MAX_SAMPLE_RATE)) {
    throw new UserError(`${name}: implausible sample rate ${audio.sampleRate} Hz`)
  }
  if (audio.channels.some((c) => c.length !== frames)) throw new UserError(`${name}: channels of different lengths`)
  return audio
}
