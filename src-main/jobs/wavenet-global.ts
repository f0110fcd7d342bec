/**
 * The global input of a WaveNet generation request (van den Oord et al. 2016, section 2.5), built as
 * training built it (engine/train/wavenet.ts WavenetSpec): a speaker's one-hot for a speaker model;
 * for a vector model the multi-hot of `tags`, the mean GloVe vector of `text`'s words (or of the
 * tags' words), or a raw `vector` of the model's width. Every mismatch between what is asked and
 * what the model takes is refused in one line naming the flag.
 */
import type { Library } from '../library/library'
import { globalWidth, type WavenetSpec } from '../engine/train/wavenet'
import { loadGloveSet, meanVector, multiHot, tagWords, textWords } from '../datasets/wavenet-vectors'
import { UserError } from '../util/errors'

/** What a request may ask the global input to be. */
export interface GlobalAsk {
  /** A speaker code the model was trained with (speaker models; the first trained one when absent). */
  speaker?: string
  /** Tags of the model's vocabulary (tags models), or whose words GloVe knows (GloVe models). */
  tags?: string[]
  /** Words for a GloVe model: their mean vector. */
  text?: string
  /** A raw vector of the model's global width (any vector model). */
  vector?: number[]
}

/** The global input built, and what it came from. */
export interface GlobalInput {
  /** The speaker used, null without speaker conditioning. */
  speaker: string | null
  /** Where a vector model's input came from (null for speaker and unconditioned models). */
  vectorFrom: 'tags' | 'text' | 'vector' | null
  /** The values [globalWidth(spec)], absent for an unconditioned model. */
  global?: number[]
}

/** The one-hot vector of the speaker asked for (the first trained one by default); a code the model was not trained with is refused. */
function speakerInput(spec: WavenetSpec, asked: string | undefined): GlobalInput {
  const codes = spec.speakers.map((s) => s.code)
  const code = asked ?? codes[0]!
  const index = codes.indexOf(code)
  if (index < 0) throw new UserError(`speaker ${code}: the model was not trained with it (its speakers: ${codes.join(', ')})`)
  return { speaker: code, vectorFrom: null, global: codes.map((_, i) => (i === index ? 1 : 0)) }
}

/** A tag as the model's vocabulary spells it: itself, or the tag a merged synonym (alias) of the library names. */
function vocabularyTag(lib: Library, tag: string, vocabulary: readonly string[]): string | undefined {
  if (vocabulary.includes(tag)) return tag
  const merged = lib.tags.resolve(tag)?.name
  return merged !== undefined && vocabulary.includes(merged) ? merged : undefined
}

/**
 * The global input `ask` gives a model described by `spec` (see the file comment). Refuses: more
 * than one of tags, text and vector; a vector flag on a speaker or unconditioned model; a speaker on a
 * vector or unconditioned model; a vector model given nothing; a vector of another width or with a
 * non-finite value; a tag outside a tags model's vocabulary; text on a tags model; tags or text none
 * of whose words is in a GloVe model's set.
 */
export async function globalInput(lib: Library, spec: WavenetSpec, ask: GlobalAsk, modelId: number): Promise<GlobalInput> {
  const flags = (['tags', 'text', 'vector'] as const).filter((k) => ask[k] !== undefined)
  const flag = flags[0]
  if (flags.length > 1) throw new UserError(`${flags.map((f) => `--${f}`).join(', ')}: give one of --tags, --text and --vector`)
  const v = spec.vector
  if (spec.speakers.length > 0) {
    if (flag) throw new UserError(`--${flag}: model ${modelId} is conditioned on the speaker (${spec.speakers.map((s) => s.code).join(', ')}), not on a vector; give --speaker CODE`)
    return speakerInput(spec, ask.speaker)
  }
  if (!v) {
    if (ask.speaker !== undefined) throw new UserError(`speaker ${ask.speaker}: the model was trained without speaker conditioning; leave out --speaker`)
    if (flag) throw new UserError(`--${flag}: model ${modelId} takes no global conditioning; leave out --${flag}`)
    return { speaker: null, vectorFrom: null }
  }
  const hint = v.kind === 'tags' ? '--tags T1,T2 or --vector FILE.json' : '--text WORDS, --tags T1,T2 or --vector FILE.json'
  const kind = v.kind === 'tags' ? `a multi-hot over ${v.width} tags` : `a ${v.dim}-d GloVe vector`
  if (ask.speaker !== undefined) throw new UserError(`speaker ${ask.speaker}: model ${modelId} is conditioned on ${kind}, not on speakers; give ${hint}`)
  if (!flag) throw new UserError(`model ${modelId}: conditioned on ${kind}; give ${hint}`)
  if (ask.vector !== undefined) {
    const width = globalWidth(spec)
    if (ask.vector.length !== width) throw new UserError(`--vector: ${ask.vector.length} values; model ${modelId} takes a global vector of ${width}`)
    const bad = ask.vector.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x))
    if (bad >= 0) throw new UserError(`--vector: value ${bad + 1} (${String(ask.vector[bad])}) is not a finite number`)
    return { speaker: null, vectorFrom: 'vector', global: [...ask.vector] }
  }
  if (v.kind === 'tags') {
    if (ask.text !== undefined) throw new UserError(`--text: model ${modelId} is conditioned on ${kind}, not on GloVe words; give --tags`)
    const tags = ask.tags!.map((t) => {
      const known = vocabularyTag(lib, t, v.tags)
      if (known === undefined) throw new UserError(`tag "${t}": not in model ${modelId}'s vocabulary (${v.tags.join(', ')})`)
      return known
    })
    return { speaker: null, vectorFrom: 'tags', global: Array.from(multiHot(tags, v.tags)) }
  }
  const words = ask.text !== undefined ? textWords(ask.text) : tagWords(ask.tags!)
  const glove = await loadGloveSet(lib, v.gloveId, `model ${modelId}`, v.dim)
  const { vector, found } = meanVector(glove, words)
  const said = ask.text !== undefined ? `--text "${ask.text}"` : `--tags ${ask.tags!.join(',')}`
  if (found === 0) throw new UserError(`${said}: none of its words is in GloVe set ${v.gloveId}`)
  return { speaker: null, vectorFrom: ask.text !== undefined ? 'text' : 'tags', global: Array.from(vector) }
}
