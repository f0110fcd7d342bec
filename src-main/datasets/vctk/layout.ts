import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { isFile } from '../fs-checks'
import { normaliseSpeakerId } from './speaker-info'

/** The two published VCTK audio layouts. */
export type VctkLayout = 'wav48' | 'wav48_silence_trimmed'

/** The two microphones of the 0.92 release (0.80 files name none). */
export type VctkMic = 'mic1' | 'mic2'

/** Which microphone's take to import: one of them, or mic1 where it was recorded and mic2 otherwise. */
export type MicChoice = VctkMic | 'auto'

/** One utterance file found on disk. */
export interface VctkUtterance {
  speaker: string
  /** "p225_001": the transcript's base name, and the clip's key in the library. */
  key: string
  audioPath: string
  /** The take's microphone, or null for a file that names none (0.80). */
  mic: VctkMic | null
}

/** An utterance left out because the chosen microphone has no take of it. */
export interface SkippedTake {
  key: string
  reason: string
}

/** The utterances to import, and those skipped. */
export interface VctkTakes {
  utterances: VctkUtterance[]
  skipped: SkippedTake[]
}

/** Audio file names: 0.80 "p225_001.wav", 0.92 "p225_001_mic1.flac" (the same take from two microphones). */
const FILE = /^([a-z]+\d+)_(\d+)(?:_(mic[12]))?\.(wav|flac)$/i

/** Which layout the folder uses (the 0.92 one when both are present), or null when neither. */
export function detectLayout(root: string): VctkLayout | null {
  for (const layout of ['wav48_silence_trimmed', 'wav48'] as const) {
    if (listDir(join(root, layout)).length > 0) return layout
  }
  return null
}

/**
 * Every utterance under the layout's folder, by speaker then name, one file each: the one that names
 * no microphone, else the chosen microphone's take (`auto`: mic1 where present, else mic2). An
 * utterance recorded only by the microphone not chosen is skipped, with the reason.
 */
export function findUtterances(root: string, layout: VctkLayout, mic: MicChoice = 'auto'): VctkTakes {
  const base = join(root, layout)
  const utterances: VctkUtterance[] = []
  const skipped: SkippedTake[] = []
  for (const dir of listDir(base).sort()) {
    const takes = new Map<string, { speaker: string; files: Map<VctkMic | null, string> }>()
    for (const name of listDir(join(base, dir)).sort()) {
      const m = FILE.exec(name)
      const path = join(base, dir, name)
      if (!m || !isFile(path)) continue
      const key = `${m[1]!.toLowerCase()}_${m[2]}`
      const take = takes.get(key) ?? { speaker: normaliseSpeakerId(m[1]!), files: new Map() }
      take.files.set((m[3]?.toLowerCase() as VctkMic | undefined) ?? null, path)
      takes.set(key, take)
    }
    for (const [key, { speaker, files }] of takes) {
      const chosen = chooseTake(files, mic)
      if (typeof chosen === 'string') skipped.push({ key, reason: chosen })
      else utterances.push({ speaker, key, audioPath: chosen.path, mic: chosen.mic })
    }
  }
  return { utterances, skipped }
}

/** The file to import for one utterance, or why there is none. */
function chooseTake(files: Map<VctkMic | null, string>, mic: MicChoice): { mic: VctkMic | null; path: string } | string {
  const single = files.get(null)
  if (single !== undefined) return { mic: null, path: single }
  const order: VctkMic[] = mic === 'auto' ? ['mic1', 'mic2'] : [mic]
  for (const m of order) {
    const path = files.get(m)
    if (path !== undefined) return { mic: m, path }
  }
  return `with only a ${mic === 'mic1' ? 'mic2' : 'mic1'} take`
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
