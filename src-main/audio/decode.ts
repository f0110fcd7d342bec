import { UserError } from '../util/errors'
import { MAX_SAMPLE_RATE, probeAudio } from './probe'
import { readAudioFile } from './read-file'
import { decodeWav } from './wav-decode'
import { decodeFlac, decodeMp3, decodeOggVorbis } from './wasm-decoders'
import type { DecodedAudio, RawAudio } from './types'

/**
 * Decodes WAV, MP3, FLAC or Ogg Vorbis from bytes, choosing by magic bytes. `name` (usually the path)
 * starts every error message. The one finite-sample policy of the product: NaN and +-Infinity
 * samples (only float WAVs can hold them) are repaired (interpolated from their finite neighbours)
 * and counted in `nonFinite`, which `info`, `convert`, `stylize` and the app report; nothing
 * downstream ever sees them.
 */
export async function decodeBuffer(bytes: Uint8Array, name: string): Promise<DecodedAudio> {
  const probe = probeAudio(bytes, name)
  let audio: RawAudio
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

function checked(audio: RawAudio, name: string): DecodedAudio {
  const frames = audio.channels[0]?.length ?? 0
  if (audio.channels.length === 0 || frames === 0) throw new UserError(`${name}: contains no audio samples`)
  if (!(audio.sampleRate > 0 && audio.sampleRate <= MAX_SAMPLE_RATE)) {
    throw new UserError(`${name}: implausible sample rate ${audio.sampleRate} Hz`)
  }
  if (audio.channels.some((c) => c.length !== frames)) throw new UserError(`${name}: channels of different lengths`)
  return { ...audio, nonFinite: audio.channels.reduce((n, c) => n + repairNonFinite(c), 0) }
}

/**
 * Replaces each run of NaN/+-Infinity in place by a straight line between the finite samples on
 * either side (0 beyond the ends), as click repair does: a lone bad sample in a tone then leaves no
 * step for a resampler to ring on. Returns how many samples were replaced.
 */
function repairNonFinite(x: Float32Array): number {
  let n = 0
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!)) continue
    let end = i
    while (end < x.length && !Number.isFinite(x[end]!)) end++
    const before = i > 0 ? x[i - 1]! : 0
    const after = end < x.length ? x[end]! : 0
    for (let j = i; j < end; j++) x[j] = before + ((after - before) * (j - i + 1)) / (end - i + 1)
    n += end - i
    i = end
  }
  return n
}
