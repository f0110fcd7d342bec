/**
 * Local conditioning from a file: a log-mel file written by `mel`, or an audio file whose frames are
 * computed with the model's settings (the vocoder check). The log-mel file is JSON, so Python reads
 * it with `json.load` (numpy: `np.array(doc["frames"], dtype=np.float32)`, shape [frames, bands]):
 *   { "format": "electric-beats/log-mel", "version": 1,
 *     "sampleRate": 16000, "nFft": 1024, "hop": 256, "bands": 80, "fMin": 0, "fMax": 8000,
 *     "floor": 1e-5, "samples": 48000, "frames": [[...80 values...], ...] }
 * Values are the model's features (dsp/mel-frames.ts: (ln(floor + P) - ln(floor) / 2) / (-ln(floor) / 2)),
 * frame i describing samples [i * hop, (i + 1) * hop); `samples` is the length of the audio they
 * came from (frames = ceil(samples / hop)).
 */
import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { extname } from 'node:path'
import { loadMono } from '../audio/load'
import { fileError } from '../audio/read-file'
import { melFrames, framesFor, checkMelSettings, type MelSettings } from '../dsp/mel-frames'
import { writeFileAtomic } from '../util/atomic-write'
import { cannotWrite } from '../audio/wav'
import { UserError } from '../util/errors'
import { requireReadableFile } from './fs-checks'
import type { Samples } from '../util/units'

/** The `format` field of a log-mel file. */
export const MEL_FILE_FORMAT = 'electric-beats/log-mel'

/** Conditioning frames and where they came from. */
export interface MelConditioning {
  /** [frames, bands] row-major. */
  data: Float32Array
  frames: number
  /** Samples of the audio the frames describe. */
  samples: Samples
  source: 'audio' | 'mel-file'
}

/** Writes `frames` (from melFrames with `settings`, of audio `samples` long) as a log-mel file, atomically. */
export async function writeMelFile(path: string, settings: MelSettings, frames: { data: Float32Array; frames: number }, samples: Samples): Promise<void> {
  const rows = Array.from({ length: frames.frames }, (_, i) => Array.from(frames.data.subarray(i * settings.bands, (i + 1) * settings.bands)))
  const doc = { format: MEL_FILE_FORMAT, version: 1, ...settings, samples, frames: rows }
  await writeFileAtomic(path, JSON.stringify(doc)).catch((err: unknown) => {
    throw cannotWrite(path, err)
  })
}

/** Reads a log-mel file; a file that is not one, or whose frames do not match its header, is refused in one line. */
export async function readMelFile(path: string): Promise<{ settings: MelSettings; conditioning: MelConditioning }> {
  let text: string
  // A device or FIFO named as the file would be read without end: only a regular file is read
  // (a missing one is named by the read below, as every file the CLI takes is).
  if (existsSync(path)) requireReadableFile(path, 'log-mel file')
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw fileError(err, path)
  }
  let doc: Record<string, unknown>
  try {
    doc = JSON.parse(text) as Record<string, unknown>
  } catch {
    throw new UserError(`${path}: not a log-mel file (not JSON; write one with \`mel\`)`)
  }
  if (doc === null || typeof doc !== 'object' || doc.format !== MEL_FILE_FORMAT) throw new UserError(`${path}: not a log-mel file (format is not "${MEL_FILE_FORMAT}"; write one with \`mel\`)`)
  if (doc.version !== 1) throw new UserError(`${path}: log-mel file version ${String(doc.version)}, this build reads version 1`)
  const num = (k: string): number => {
    const v = doc[k]
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserError(`${path}: log-mel file field "${k}" is not a number`)
    return v
  }
  const settings: MelSettings = { sampleRate: num('sampleRate'), nFft: num('nFft'), hop: num('hop'), bands: num('bands'), fMin: num('fMin'), fMax: num('fMax'), floor: num('floor') }
  try {
    checkMelSettings(settings)
  } catch (err) {
    throw new UserError(`${path}: ${(err as Error).message}`)
  }
  const samples = num('samples')
  const rows = doc.frames
  if (!Array.isArray(rows) || rows.length === 0) throw new UserError(`${path}: log-mel file has no frames`)
  if (rows.length !== framesFor(samples, settings.hop)) throw new UserError(`${path}: ${rows.length} frames, but ${samples} samples at hop ${settings.hop} make ${framesFor(samples, settings.hop)}`)
  const data = new Float32Array(rows.length * settings.bands)
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== settings.bands) throw new UserError(`${path}: frame ${i} has ${Array.isArray(row) ? row.length : 'no'} values, the header says ${settings.bands} bands`)
    row.forEach((v, m) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserError(`${path}: frame ${i} band ${m} is not a finite number`)
      data[i * settings.bands + m] = v
    })
  })
  return { settings, conditioning: { data, frames: rows.length, samples, source: 'mel-file' } }
}

/** The first field in which two settings differ, as "hop 128 (the model's 256)", or null when they agree. */
export function melMismatch(file: MelSettings, model: MelSettings): string | null {
  // Rate, hop and width first: those are the ones a user most often gets wrong.
  for (const k of ['sampleRate', 'hop', 'bands', 'nFft', 'fMin', 'fMax', 'floor'] as const) {
    if (file[k] !== model[k]) return `${k === 'sampleRate' ? 'rate' : k} ${file[k]}${k === 'sampleRate' ? ' Hz' : ''} (the model's ${model[k]})`
  }
  return null
}

/** Whether `path` names a log-mel file (.json) rather than audio. */
export const isMelFile = (path: string): boolean => extname(path).toLowerCase() === '.json'

/**
 * The conditioning `path` gives a model with `settings`: a log-mel file's frames (refused in one line
 * when written with other settings: another rate, hop, width...), or an audio file's frames computed
 * with the model's settings after decoding and resampling to its rate.
 */
export async function loadConditioning(path: string, settings: MelSettings): Promise<MelConditioning> {
  if (isMelFile(path)) {
    const file = await readMelFile(path)
    const diff = melMismatch(file.settings, settings)
    if (diff !== null) throw new UserError(`${path}: log-mel at ${diff}; write it again with \`mel --model\` for this model`)
    return file.conditioning
  }
  const x = await loadMono(path, settings.sampleRate)
  if (x.length === 0) throw new UserError(`${path}: no samples`)
  const f = melFrames(x, settings)
  return { data: f.data, frames: f.frames, samples: x.length, source: 'audio' }
}
