/**
 * Dense global vectors of WaveNet conditioning (engine/train/wavenet.ts WavenetVectorSpec), built the
 * same way for a training clip and for a generation request: a multi-hot over a tag vocabulary, or
 * the mean GloVe vector (Pennington et al. 2014) of some words. Also the GloVe set of the library a
 * model names (the vectors stay in the imported file: datasets/glove/import.ts).
 */
import type { Library } from '../library/library'
import type { Embeddings } from './glove/embeddings'
import { loadGlove } from './glove/load'
import { UserError } from '../util/errors'

/** Tags of a tags-conditioned model: the dataset's top 50 by usable-clip count, as the tagger learns them (the report's 50). */
export const VECTOR_TAGS = 50

/** The tag vocabulary of `datasetId`: its top `top` merged tags by usable-clip count (most first, ties by name). */
export function tagVocabulary(lib: Library, datasetId: number, top = VECTOR_TAGS): string[] {
  return lib.tags.counts({ datasetId, limit: top }).map((t) => t.name)
}

/** The multi-hot [vocabulary.length] of `tags` over `vocabulary` (1 at each tag's index; tags outside it ignored). */
export function multiHot(tags: readonly string[], vocabulary: readonly string[]): Float32Array {
  const v = new Float32Array(vocabulary.length)
  for (const t of tags) {
    const i = vocabulary.indexOf(t)
    if (i >= 0) v[i] = 1
  }
  return v
}

/**
 * The words of a text as GloVe spells them: lower case, split at anything but letters, digits and
 * apostrophes (GloVe's 6B vocabulary is lower-cased), leading and trailing apostrophes dropped.
 */
export function textWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}']+/u)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w !== '')
}

/** The words of tags ("no vocals" gives "no" and "vocals"), in order. */
export const tagWords = (tags: readonly string[]): string[] => tags.flatMap(textWords)

/**
 * The mean [dim] of the vectors of `words` found in `glove` (a repeated word counts each time),
 * with how many were found; the zero vector when none is.
 */
export function meanVector(glove: Embeddings, words: readonly string[]): { vector: Float32Array; found: number } {
  const vector = new Float32Array(glove.dim)
  let found = 0
  for (const w of words) {
    const v = glove.lookup(w)
    if (!v) continue
    for (let d = 0; d < v.length; d++) vector[d]! += v[d]!
    found++
  }
  if (found > 0) for (let d = 0; d < vector.length; d++) vector[d]! /= found
  return { vector, found }
}

/**
 * The embeddings of GloVe set `gloveId` of the library, read from its file. `what` names the request
 * in refusals: an id that is not a GloVe import, or a file that is gone or now of another dimension
 * than `dim` (when given).
 */
export async function loadGloveSet(lib: Library, gloveId: number, what: string, dim?: number): Promise<Embeddings> {
  const set = lib.datasets.get(gloveId)
  if (!set) throw new UserError(`${what}: GloVe set ${gloveId} is not in the library (import-glove prints its id)`)
  if (set.kind !== 'glove') throw new UserError(`${what}: dataset ${gloveId} is a ${set.kind} dataset, not a GloVe set (import-glove)`)
  const { embeddings } = await loadGlove(set.rootPath)
  if (dim !== undefined && embeddings.dim !== dim) throw new UserError(`${what}: GloVe set ${gloveId} (${set.rootPath}) now has dimension ${embeddings.dim}, the model was trained with ${dim}`)
  return embeddings
}
