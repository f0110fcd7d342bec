import { decodeFile } from './decode'
import { mixToMono } from './mix'
import { resample } from './resample'
import { nonFiniteNote } from './levels'
import { namedError } from '../util/errors'
import type { Hz } from '../util/units'

/** Decodes a file, mixes it to mono and resamples it to `sampleRate` when the file's rate differs. */
export async function loadMono(path: string, sampleRate: Hz): Promise<Float32Array> {
  return (await loadMonoNoted(path, sampleRate)).samples
}

/**
 * loadMono, plus the decoder's notes about the file (NaN/Inf samples replaced), each naming the
 * file, and the file's own rate and channel count (before mixing and resampling).
 */
export async function loadMonoNoted(path: string, sampleRate: Hz): Promise<{ samples: Float32Array; notes: string[]; sourceRate: Hz; sourceChannels: number }> {
  const audio = await decodeFile(path)
  const mono = mixToMono(audio.channels)
  const samples = audio.sampleRate === sampleRate ? mono : await resample(mono, audio.sampleRate, sampleRate).catch((err: unknown) => {
    throw namedError(err, path)
  })
  return { samples, notes: audio.nonFinite > 0 ? [`${path}: ${nonFiniteNote(audio.nonFinite)}`] : [], sourceRate: audio.sampleRate, sourceChannels: audio.channels.length }
}
