/*
 * What makes a decode provably wrong. A mutated file may legitimately decode to something, so
 * every rule here is one the bytes themselves settle:
 *  - any decode: 1+ channels of equal, non-zero length; an integer rate in 1..768000 Hz (the
 *    decoder's own stated limit); integer-PCM and FLAC samples within full scale;
 *  - WAV: rate and channels are the fmt chunk's; frames x blockAlign never exceed the bytes after
 *    the data chunk's header; for a file with one fmt and one data chunk, the frame count is the
 *    stated data size capped at the bytes present (0 and 0xFFFFFFFF: to the end), and the first,
 *    middle and last samples equal the bytes read independently (formats/wav-read.ts);
 *  - MP3: an MPEG rate and 1 or 2 channels; Ogg Vorbis: the identification header's rate and channels;
 *  - with `header` (the info target only, so one disagreement is counted once): the importers'
 *    header reader, where it states a rate, channel count or length, agrees with the decoder (to
 *    one frame), since issue 12 asks for one header reader serving both;
 *  - a mutation that keeps the file valid (mutations/types.ts `valid`) gives the seed's own rate,
 *    channels and length exactly.
 * Not judged here: rates and lengths of damaged FLAC/MP3/Vorbis streams, where two honest decoders
 * may differ; the reference cross-check counts those instead.
 */
import { expectedWavFrames, readWav, wavSample } from '../formats/wav-read'
import { vorbisId } from '../formats/ogg-read'
import type { Shape } from '../reference'
import { importerHeader } from './header-reader'

/** The part of DecodedAudio the oracles read. */
export interface Decoded {
  sampleRate: number
  channels: Float32Array[]
  format: { container: string; codec: string }
}

const MPEG_RATES = new Set([44100, 48000, 32000, 22050, 24000, 16000, 11025, 12000, 8000])

/** Rate, channels and frames of a decode. */
export const shapeOf = (a: Decoded): Shape => ({ sampleRate: a.sampleRate, channels: a.channels.length, frames: a.channels[0]?.length ?? 0 })

/** How many NaN/Inf samples the decoder says it repaired (DecodedAudio.nonFinite; 0 where it has none). */
export const repaired = (a: Decoded): number => (a as { nonFinite?: number }).nonFinite ?? 0

/** How many samples delivered to the caller are NaN or infinite. */
export function nonFinite(a: Decoded): number {
  let n = 0
  for (const c of a.channels) for (let i = 0; i < c.length; i++) if (!Number.isFinite(c[i]!)) n++
  return n
}

/** Every rule `a` breaks for the file `bytes` at `path` (empty: consistent). */
export async function audioWrongs(bytes: Uint8Array, path: string, a: Decoded, expected?: Shape, header = false): Promise<string[]> {
  const wrong: string[] = []
  const s = shapeOf(a)
  if (s.channels < 1 || s.frames < 1 || a.channels.some((c) => c.length !== s.frames)) wrong.push(`${s.channels} channels of lengths ${a.channels.map((c) => c.length).join('/')}`)
  if (!Number.isInteger(s.sampleRate) || s.sampleRate < 1 || s.sampleRate > 768_000) wrong.push(`sample rate ${s.sampleRate} Hz`)
  if (expected && (expected.sampleRate !== s.sampleRate || expected.channels !== s.channels || expected.frames !== s.frames)) {
    wrong.push(`valid variant decoded as ${fmtShape(s)}, the seed as ${fmtShape(expected)}`)
  }
  const container = a.format.container
  if (container === 'wav') wrong.push(...wavWrongs(bytes, a))
  if (container === 'flac' || (container === 'wav' && a.format.codec.startsWith('pcm_s')) || a.format.codec === 'pcm_u8') {
    const over = a.channels.some((c) => c.some((x) => Math.abs(x) > 1))
    if (over) wrong.push('integer samples beyond full scale')
  }
  if (container === 'mp3' && (!MPEG_RATES.has(s.sampleRate) || s.channels > 2)) wrong.push(`MPEG audio as ${s.sampleRate} Hz, ${s.channels} ch`)
  if (container === 'ogg') {
    const id = vorbisId(bytes)
    if (id && (id.sampleRate !== s.sampleRate || id.channels !== s.channels)) wrong.push(`Vorbis header says ${id.sampleRate} Hz ${id.channels} ch, decoded ${s.sampleRate} Hz ${s.channels} ch`)
  }
  const h = header ? await importerHeader(path) : null
  if (h) {
    if (h.sampleRate !== s.sampleRate) wrong.push(`importers' header reader says ${h.sampleRate} Hz, decoder ${s.sampleRate} Hz`)
    if (h.channels !== null && h.channels !== s.channels) wrong.push(`importers' header reader says ${h.channels} ch, decoder ${s.channels} ch`)
    if (h.durationS !== null && Math.abs(h.durationS * s.sampleRate - s.frames) > 1) {
      wrong.push(`importers' header reader says ${h.durationS.toFixed(6)} s, decoder ${(s.frames / s.sampleRate).toFixed(6)} s`)
    }
  }
  return wrong
}

/** "44100 Hz, 2 ch, 22050 frames". */
export const fmtShape = (s: Shape): string => `${s.sampleRate} Hz, ${s.channels} ch, ${s.frames} frames`

function wavWrongs(bytes: Uint8Array, a: Decoded): string[] {
  const w = readWav(bytes)
  if (!w) return [] // RF64 and friends: not read independently here
  const out: string[] = []
  const s = shapeOf(a)
  if (w.fmt) {
    if (w.fmt.sampleRate !== s.sampleRate) out.push(`fmt says ${w.fmt.sampleRate} Hz, decoded ${s.sampleRate} Hz`)
    if (w.fmt.channels !== s.channels) out.push(`fmt says ${w.fmt.channels} ch, decoded ${s.channels} ch`)
  }
  if (w.fmt && w.data && w.clean) {
    const avail = bytes.length - w.data.body
    if (s.frames * w.fmt.blockAlign > avail) out.push(`${s.frames} frames x ${w.fmt.blockAlign} bytes exceed the ${avail} bytes present`)
    const frames = expectedWavFrames(w, bytes.length)
    if (frames !== undefined && frames !== s.frames) out.push(`data chunk holds ${frames} frames (stated ${w.data.size} bytes, ${avail} present), decoded ${s.frames}`)
    if (out.length === 0) {
      for (const i of [0, Math.floor(s.frames / 2), s.frames - 1]) {
        for (const c of [0, s.channels - 1]) {
          const want = wavSample(bytes, w, i, c)
          const got = a.channels[c]![i]!
          // A value float32 cannot hold becomes +-Infinity, which the decoder repairs: not comparable.
          if (want === undefined || !Number.isFinite(Math.fround(want))) continue
          if (Math.fround(want) !== got) out.push(`frame ${i} channel ${c}: bytes say ${want}, decoded ${got}`)
        }
      }
    }
  }
  return out
}
