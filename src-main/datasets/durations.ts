import { decodeFile } from '../audio/index'
import type { Library } from '../library/library'
import type { ProgressCallback } from './progress'
import { skippedClip, type UnusableClip } from './validity'

/** What measuring durations did. */
export interface DurationReport {
  measured: number
  /** Clips whose decode failed, now recorded as unusable with the reason. */
  failed: UnusableClip[]
}

/**
 * Decodes clips that have audio but no duration yet (MP3s: their headers do not state a length
 * reliably) and records duration and sample rate; a clip that cannot be decoded is recorded as
 * unusable with the reason, and one that now decodes is usable again. Each clip is written as soon
 * as it is measured, so an interrupted run keeps what it did and the next one continues.
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
      // Any decoder failure, not only a UserError: the file is what training would choke on.
      const { reason, missing } = skippedClip(clip.id, clip.path, err)
      lib.clips.markUnreadable(clip.id, reason, missing)
      failed.push({ clip: clip.sourceKey, path: clip.path, reason })
    }
    opts.onProgress?.({ phase: 'read', done: i + 1, total: clips.length })
  }
  return { measured, failed }
}
