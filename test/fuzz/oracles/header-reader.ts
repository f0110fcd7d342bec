/*
 * The header reader the importers use, found at run time: issue 12 moves it from
 * src-main/datasets/audio-header.ts (returns null on failure) to src-main/audio/header.ts (throws a
 * UserError). Loading it by URL keeps this harness working on either side of that change.
 */

/** What the importers' header reader says about a file; null when it cannot read it. */
export interface HeaderSays {
  sampleRate: number
  durationS: number | null
  channels: number | null
}

type Reader = (path: string) => { sampleRate: number; durationS: number | null; channels?: number | null } | null

const CANDIDATES = ['../../../src-main/audio/header.ts', '../../../src-main/datasets/audio-header.ts']
let reader: Reader | null | undefined

async function load(): Promise<Reader | null> {
  for (const rel of CANDIDATES) {
    try {
      const mod = (await import(new URL(rel, import.meta.url).href)) as { readAudioHeader?: Reader }
      if (typeof mod.readAudioHeader === 'function') return mod.readAudioHeader
    } catch {
      // not there in this version of the tree: try the next place
    }
  }
  return null
}

/** Runs the importers' header reader on `path` (null when it refuses, or when none is found). */
export async function importerHeader(path: string): Promise<HeaderSays | null> {
  if (reader === undefined) reader = await load()
  if (!reader) return null
  try {
    const h = reader(path)
    return h ? { sampleRate: h.sampleRate, durationS: h.durationS, channels: h.channels ?? null } : null
  } catch {
    return null
  }
}
