import { decodeFile } from '../audio/index'
import type { Library } from '../library/library'
import { describeError } from '../util/errors'
import type { ProgressCallback } from './progress'

/** What measuring durations did. */
export interface DurationReport {
  measured: number
  failed: { path: string; reason: string }[]
}

/**
 * Decodes clips that have audio but no duration yet (MP3s: their headers do not state a length
 * reliably) and records duration and sample rate. Each clip is written as soon as it is measured,
 * so an interrupted run keeps what it did and the next one continues.
 */
export async function measureDurations(
  lib: Library,
  opts: { datasetId?: number; limit?: number; onProgress?: ProgressCallback } = {}
): Promise<DurationReport> {
  const clips = lib.clips.withoutDuration({ datasetId: opts.datasetId, limit: opts.limit })
  const failed: DurationReport['failed'] = []
  let measured = 0
  for (const [i, clip] of clips.entries()) {
    try {
      const audio = await decodeFile(clip.path)
      lib.clips.setAudioInfo(clip.id, audio.channels[0]!.length / audio.sampleRate, audio.sampleRate)
      measured++
    } catch (err) {
      failed.push({ path: clip.path, reason: describeError(err) })
    }
    opts.onProgress?.({ phase: 'read', done: i + 1, total: clips.length })
  }
  return { measured, failed }
}
