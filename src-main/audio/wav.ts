/*
 * WAV writer, hand-written: wavefile 11 packs float samples through a generic per-sample packer
 * (11.6 s for one minute of stereo float on the dev machine) and writes a non-standard header for
 * more than two channels. A WAV file is a fixed header plus interleaved samples, so this is short.
 */
import { UserError } from '../util/errors'
import { cannotWrite, writeFileAtomic } from '../util/atomic-write'
import type { Hz } from '../util/units'
import { SUBTYPE_TAIL } from './wav-decode'

/** Encoding choice: 16-bit PCM (default) or 32-bit IEEE float. */
export interface WavEncodeOptions {
  float?: boolean
}


/**
 * Encodes channels as a WAV file. 16-bit: clipped to [-1, 1), scaled by 32768 and rounded to nearest
 * (NaN becomes 0); float: written as given. More than two channels get WAVE_FORMAT_EXTENSIBLE, as the
 * format's specification asks; float files carry the "fact" chunk it requires for non-PCM data.
 */
export function encodeWav(channels: Float32Array[], sampleRate: Hz, opts: WavEncodeOptions = {}): Uint8Array {
  const frames = channels[0]?.length ?? 0
  if (channels.length === 0 || channels.length > 65535) throw new UserError(`encodeWav: ${channels.length} channels (need 1-65535)`)
  if (channels.some((c) => c.length !== frames)) throw new UserError('encodeWav: channels have different lengths')
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff) throw new UserError(`encodeWav: sample rate ${sampleRate} Hz is not a positive whole number`)
  const float = opts.float === true
  const bytesPerSample = float ? 4 : 2
  const blockAlign = channels.length * bytesPerSample
  const dataSize = frames * blockAlign
  const extensible = channels.length > 2
  const fmtSize = extensible ? 40 : float ? 18 : 16
  const factSize = float ? 12 : 0
  const headerSize = 12 + 8 + fmtSize + factSize + 8
  if (headerSize + dataSize - 8 > 0xffffffff) throw new UserError(`encodeWav: ${dataSize} bytes of audio exceed the 4 GiB WAV limit`)
  const out = new Uint8Array(headerSize + dataSize)
  const v = new DataView(out.buffer)
  const text = (at: number, s: string): void => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i)
  }
  text(0, 'RIFF')
  v.setUint32(4, out.length - 8, true)
  text(8, 'WAVE')
  text(12, 'fmt ')
  v.setUint32(16, fmtSize, true)
  const code = float ? 3 : 1
  v.setUint16(20, extensible ? 0xfffe : code, true)
  v.setUint16(22, channels.length, true)
  v.setUint32(24, sampleRate, true)
  v.setUint32(28, sampleRate * blockAlign, true)
  v.setUint16(32, blockAlign, true)
  v.setUint16(34, bytesPerSample * 8, true)
  if (fmtSize > 16) v.setUint16(36, fmtSize - 18, true) // cbSize: bytes of extension that follow
  if (extensible) {
    v.setUint16(38, bytesPerSample * 8, true) // valid bits
    v.setUint32(40, 0, true) // channel mask 0: no speaker positions claimed
    v.setUint16(44, code, true)
    out.set(SUBTYPE_TAIL, 46)
  }
  let at = 20 + fmtSize
  if (float) {
    text(at, 'fact')
    v.setUint32(at + 4, 4, true)
    v.setUint32(at + 8, frames, true)
    at += 12
  }
  text(at, 'data')
  v.setUint32(at + 4, dataSize, true)
  at += 8
  for (let i = 0; i < frames; i++) {
    for (const c of channels) {
      if (float) v.setFloat32(at, c[i]!, true)
      else v.setInt16(at, toInt16(c[i]!), true)
      at += bytesPerSample
    }
  }
  return out
}

/** Full scale is 32768 (matching the decoder), so +1.0 clips to 32767: 1/32768 of error at most. */
function toInt16(x: number): number {
  if (!(x === x)) return 0
  const s = Math.round(x * 32768)
  return s > 32767 ? 32767 : s < -32768 ? -32768 : s
}

/** Encodes and writes a WAV file atomically: a failure never leaves a partial file or temp file. */
export async function writeWav(path: string, channels: Float32Array[], sampleRate: Hz, opts: WavEncodeOptions = {}): Promise<void> {
  const bytes = encodeWav(channels, sampleRate, opts)
  try {
    await writeFileAtomic(path, bytes)
  } catch (err) {
    throw cannotWrite(path, err)
  }
}

/** The one-line UserError for a file that could not be written (kept here for its importers). */
export { cannotWrite }
