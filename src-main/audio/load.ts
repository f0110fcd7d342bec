import { decodeFile } from './decode'
import { mixToMono } from './mix'
import { resample } from './resample'
import type { Hz } from '../util/units'

/** Decodes a file, mixes it to mono and resamples it to `sampleRate` when the file's rate differs. */
export async function loadMono(path: string, sampleRate: Hz): Promise<Float32Array> {
  const audio = await decodeFile(path)
  const mono = mixToMono(audio.channels)
  return audio.sampleRate === sampleRate ? mono : resample(mono, audio.sampleRate, sampleRate)
}
