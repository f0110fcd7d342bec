import { basename, join, resolve } from 'node:path'
import type { Library } from '../../library/library'
import type { SpeakerInput } from '../../library/speakers'
import { UserError } from '../../util/errors'
import { isFile, readRequired, requireDir } from '../fs-checks'
import { PROGRESS_EVERY, type AfterRowHook, type ProgressCallback } from '../progress'
import type { SkippedRow } from '../skipped'
import { checkClipAudio, countReasons, type UnusableClip } from '../validity'
import { parseSpeakerInfo } from './speaker-info'
import { detectLayout, findUtterances, type MicChoice, type SkippedTake, type VctkLayout } from './layout'

/** How to import a VCTK folder. */
export interface VctkImportOptions {
  /** Which microphone's takes to import (0.92); default auto: mic1 where recorded, else mic2. */
  mic?: MicChoice
  onProgress?: ProgressCallback
  afterRow?: AfterRowHook
}

/** What a VCTK import did. */
export interface VctkImportReport {
  datasetId: number
  root: string
  layout: VctkLayout
  mic: MicChoice
  /** Imported takes by microphone (0.80 files name none), and utterances skipped for want of the chosen one. */
  takes: { mic1: number; mic2: number; unnamed: number; skipped: SkippedTake[] }
  speakers: number
  female: number
  male: number
  clips: number
  /** Clips whose audio header reads: what listings and training use. */
  usable: number
  /** Clips whose file cannot be used (empty, not audio, header unreadable), with the reason. */
  unusable: UnusableClip[]
  withTranscript: number
  /** speaker-info.txt lines that could not be read. */
  skippedLines: SkippedRow[]
  /** Speakers with audio but no speaker-info line (imported without age/gender). */
  unlistedSpeakers: string[]
  removed: number
}

/**
 * Imports a VCTK folder (speaker-info.txt, wav48/ or wav48_silence_trimmed/, txt/) into the library:
 * speakers with gender, age, accent and region; clips with duration (from the headers, by the
 * import-validity rule: an unreadable file is recorded as unusable) and transcript. A folder that
 * yields no usable clip is refused, naming why. One transaction; re-importing updates in place.
 */
export function importVctk(lib: Library, dir: string, opts: VctkImportOptions = {}): VctkImportReport {
  const root = resolve(dir)
  requireDir(root, 'VCTK folder')
  const infoFile = join(root, 'speaker-info.txt')
  const info = parseSpeakerInfo(readRequired(infoFile, 'VCTK speaker list').toString('utf8'))
  const layout = detectLayout(root)
  if (layout === null) throw new UserError(`VCTK folder ${root}: no audio under wav48/ or wav48_silence_trimmed/`)
  const mic = opts.mic ?? 'auto'
  const { utterances, skipped } = findUtterances(root, layout, mic)

  const speakers = new Map<string, SpeakerInput>(info.speakers.map((s) => [s.code, s]))
  const unlisted = [...new Set(utterances.map((u) => u.speaker).filter((s) => !speakers.has(s)))]
  for (const code of unlisted) speakers.set(code, { code, age: null, gender: null, accent: null, region: null, comment: 'not in speaker-info.txt' })

  const clips = utterances.map((u, i) => {
    if ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === utterances.length) opts.onProgress?.({ phase: 'read', done: i + 1, total: utterances.length })
    return { ...u, audio: checkClipAudio(u.audioPath), transcript: readTranscript(root, u.speaker, u.key) }
  })
  const unusable = clips.flatMap((c) => (c.audio.unusable === null ? [] : [{ clip: c.key, path: c.audioPath, reason: c.audio.unusable }]))
  const usable = clips.filter((c) => !c.audio.missing && c.audio.unusable === null).length
  if (usable === 0) throw new UserError(`VCTK folder ${root}: no usable clip (${whyNone(layout, mic, skipped, unusable)})`)

  const { datasetId, removed } = lib.transaction(() => {
    const id = lib.datasets.upsert({ kind: 'vctk', name: `VCTK (${basename(root)})`, rootPath: root, meta: { layout, mic } })
    const speakerIds = new Map<string, number>()
    for (const s of speakers.values()) speakerIds.set(s.code, lib.speakers.upsert(id, s))
    clips.forEach((c, i) => {
      lib.clips.upsert(id, {
        sourceKey: c.key,
        path: c.audioPath,
        ...c.audio,
        speakerId: speakerIds.get(c.speaker) ?? null,
        transcript: c.transcript
      })
      opts.afterRow?.(i + 1)
      if ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === clips.length) opts.onProgress?.({ phase: 'write', done: i + 1, total: clips.length })
    })
    const removedClips = lib.clips.removeAllExcept(id, new Set(clips.map((c) => c.key)))
    lib.speakers.removeAllExcept(id, new Set(speakers.keys()))
    return { datasetId: id, removed: removedClips }
  })
  const all = [...speakers.values()]
  return {
    datasetId,
    root,
    layout,
    mic,
    takes: {
      mic1: clips.filter((c) => c.mic === 'mic1').length,
      mic2: clips.filter((c) => c.mic === 'mic2').length,
      unnamed: clips.filter((c) => c.mic === null).length,
      skipped
    },
    speakers: all.length,
    female: all.filter((s) => s.gender === 'F').length,
    male: all.filter((s) => s.gender === 'M').length,
    clips: clips.length,
    usable,
    unusable,
    withTranscript: clips.filter((c) => c.transcript !== null).length,
    skippedLines: info.skipped,
    unlistedSpeakers: unlisted,
    removed
  }
}

/** Why a folder gave no usable clip, in a few words for its one-line error. */
function whyNone(layout: VctkLayout, mic: MicChoice, skipped: SkippedTake[], unusable: UnusableClip[]): string {
  const why: string[] = []
  if (skipped.length > 0) why.push(`${mic} asked for; skipped ${countReasons(skipped.map((s) => s.reason))}`)
  if (unusable.length > 0) why.push(`${unusable.length} unusable: ${countReasons(unusable.map((u) => u.reason))}`)
  if (why.length === 0) why.push(`no file under ${layout}/<speaker>/ is named like p225_001.wav or p225_001_${mic === 'auto' ? 'mic1' : mic}.flac`)
  return why.join('; ')
}

/** The utterance's text from txt/<speaker>/<key>.txt, or null when there is none. */
function readTranscript(root: string, speaker: string, key: string): string | null {
  const path = join(root, 'txt', speaker, `${key}.txt`)
  if (!isFile(path)) return null
  const text = readRequired(path, 'VCTK transcript').toString('utf8').trim()
  return text === '' ? null : text
}
