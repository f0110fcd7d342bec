/** File helpers for the importer cases: fresh copies of fixture folders, and audio mutations applied in place. */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { extname } from 'node:path'
import { audioMutations } from '../mutations/audio'
import type { AudioKind, Mutation } from '../mutations/types'
import type { FuzzRng } from '../random'

/** Replaces `dir` with a fresh copy of the fixture folder `from`. */
export function freshCopy(from: string, dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  cpSync(from, dir, { recursive: true })
}

const KINDS: Record<string, AudioKind> = { '.wav': 'wav', '.flac': 'flac', '.mp3': 'mp3', '.ogg': 'ogg' }

/**
 * Applies a random audio mutation that fits the file's kind, in place. Returns the mutation's name,
 * note and validity, or null when the one picked does not apply (the caller picks another case).
 */
export function mutateAudioFile(path: string, rng: FuzzRng): { name: string; note: string; valid: boolean } | null {
  const kind = KINDS[extname(path).toLowerCase()]
  if (!kind) return null
  const fits: Mutation<AudioKind>[] = audioMutations.filter((m) => m.kinds.includes(kind))
  for (let tries = 0; tries < 8; tries++) {
    const m = rng.pick(fits)
    const r = m.apply(new Uint8Array(readFileSync(path)), rng)
    if (!r) continue
    writeFileSync(path, r.bytes)
    return { name: m.name, note: r.note, valid: r.valid === true }
  }
  return null
}
