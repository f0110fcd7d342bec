import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { isFile } from '../fs-checks'
import { normaliseSpeakerId } from './speaker-info'

/** The two published VCTK audio layouts. */
export type VctkLayout = 'wav48' | 'wav48_silence_trimmed'

/** One utterance file found on disk. */
export interface VctkUtterance {
  speaker: string
  /** "p225_001": the transcript's base name, and the clip's key in the library. */
  key: string
  audioPath: string
}

/** Audio file names: 0.80 "p225_001.wav", 0.92 "p225_001_mic1.flac" (mic2 files are skipped: same take, other microphone). */
const FILE = /^([a-z]+\d+)_(\d+)(?:_(mic[12]))?\.(wav|flac)$/i

/** Which layout the folder uses (the 0.92 one when both are present), or null when neither. */
export function detectLayout(root: string): VctkLayout | null {
  for (const layout of ['wav48_silence_trimmed', 'wav48'] as const) {
    if (listDir(join(root, layout)).length > 0) return layout
  }
  return null
}

/** Every utterance under the layout's folder, by speaker then name. */
export function findUtterances(root: string, layout: VctkLayout): VctkUtterance[] {
  const base = join(root, layout)
  const out: VctkUtterance[] = []
  for (const dir of listDir(base).sort()) {
    for (const name of listDir(join(base, dir)).sort()) {
      const m = FILE.exec(name)
      if (!m || m[3]?.toLowerCase() === 'mic2') continue
      const path = join(base, dir, name)
      if (!isFile(path)) continue
      out.push({ speaker: normaliseSpeakerId(m[1]!), key: `${m[1]!.toLowerCase()}_${m[2]}`, audioPath: path })
    }
  }
  return out
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
