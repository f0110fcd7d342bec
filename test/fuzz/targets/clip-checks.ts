/*
 * What an importer's "usable" clips must satisfy: each decodes (a zero-byte or undecodable file
 * listed as usable is issue 12's kind 1), delivers no NaN/Inf, and any duration or rate recorded
 * at import agrees with the decoder to one frame (kind 6).
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { decodeFile } from '../../../src-main/audio/decode'
import type { Clip } from '../../../src-main/library/clips'
import type { Library } from '../../../src-main/library/library'
import { describeError } from '../../../src-main/util/errors'
import { nonFinite, shapeOf } from '../oracles/audio'
import type { Shape } from '../reference'

/** Decodes by content hash, so the untouched clips of a dataset are decoded once per process. */
const cache = new Map<string, { shape?: Shape; nonFinite?: number; error?: string }>()

async function decodeCached(path: string): Promise<{ shape?: Shape; nonFinite?: number; error?: string }> {
  let key: string
  try {
    key = createHash('sha1').update(readFileSync(path)).digest('hex')
  } catch (err) {
    return { error: describeError(err) }
  }
  let hit = cache.get(key)
  if (!hit) {
    hit = await decodeFile(path).then(
      (a) => ({ shape: shapeOf(a), nonFinite: nonFinite(a) }),
      (err: unknown) => ({ error: describeError(err) })
    )
    cache.set(key, hit)
  }
  return hit
}

/** The dataset's clips a training pipeline would use: what `clips` lists by default, present and usable. */
export const usableClips = (lib: Library, datasetId: number): Clip[] => lib.clips.list({ datasetId }).filter((c) => !c.missing && !c.unusable)

/** Every rule the usable clips break; `mustUse` keys must be among them, `mustNotUse` keys must not. */
export async function clipWrongs(lib: Library, datasetId: number, opts: { mustUse?: string[]; mustNotUse?: string[] } = {}): Promise<string[]> {
  const wrongs: string[] = []
  const usable = usableClips(lib, datasetId)
  const keys = new Set(usable.map((c) => c.sourceKey))
  for (const k of opts.mustUse ?? []) if (!keys.has(k)) wrongs.push(`clip ${k} is valid but not listed as usable`)
  for (const k of opts.mustNotUse ?? []) if (keys.has(k)) wrongs.push(`clip ${k} has unusable audio but is listed as usable`)
  for (const c of usable) {
    const d = await decodeCached(c.path)
    if (!d.shape) {
      if (!(opts.mustNotUse ?? []).includes(c.sourceKey)) wrongs.push(`usable clip ${c.sourceKey} does not decode: ${d.error}`)
      continue
    }
    const s = d.shape
    if (d.nonFinite) wrongs.push(`usable clip ${c.sourceKey} decodes to ${d.nonFinite} NaN/Inf samples`)
    if (c.sampleRate !== null && c.sampleRate !== s.sampleRate) wrongs.push(`clip ${c.sourceKey}: recorded ${c.sampleRate} Hz, decoder ${s.sampleRate} Hz`)
    if (c.durationS !== null && Math.abs(c.durationS * s.sampleRate - s.frames) > 1) {
      wrongs.push(`clip ${c.sourceKey}: recorded ${c.durationS} s, decoder ${(s.frames / s.sampleRate).toFixed(6)} s`)
    }
  }
  return wrongs
}
