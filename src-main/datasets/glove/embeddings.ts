import { UserError } from '../../util/errors'

/** One neighbour of a query word or vector. */
export interface Neighbour {
  word: string
  /** Cosine similarity, -1..1. */
  similarity: number
}

/** A word-embedding table: lookup by word, nearest neighbours by cosine similarity. */
export class Embeddings {
  private readonly index = new Map<string, number>()
  private readonly norms: Float32Array

  /** `vectors` holds `words.length` rows of `dim` values, row-major. */
  constructor(
    readonly words: readonly string[],
    private readonly vectors: Float32Array,
    readonly dim: number
  ) {
    if (vectors.length !== words.length * dim) throw new UserError(`embeddings: ${vectors.length} values for ${words.length} words of ${dim}`)
    words.forEach((w, i) => {
      if (!this.index.has(w)) this.index.set(w, i)
    })
    this.norms = new Float32Array(words.length)
    for (let i = 0; i < words.length; i++) {
      let s = 0
      for (let d = 0; d < dim; d++) s += vectors[i * dim + d]! ** 2
      this.norms[i] = Math.sqrt(s)
    }
  }

  /** Number of words. */
  get size(): number {
    return this.words.length
  }

  /** The vector of `word` (a copy), or undefined when the word is not in the table. */
  lookup(word: string): Float32Array | undefined {
    const i = this.index.get(word)
    return i === undefined ? undefined : this.vectors.slice(i * this.dim, (i + 1) * this.dim)
  }

  /**
   * The `k` words most similar to `query` (a word, left out of its own answer, or a vector of this
   * table's dimension), most similar first; ties keep table order.
   */
  nearest(query: string | Float32Array, k = 10): Neighbour[] {
    let q: Float32Array
    let self = -1
    if (typeof query === 'string') {
      const i = this.index.get(query)
      if (i === undefined) throw new UserError(`embeddings: "${query}" is not in the vocabulary`)
      q = this.vectors.subarray(i * this.dim, (i + 1) * this.dim)
      self = i
    } else {
      if (query.length !== this.dim) throw new UserError(`embeddings: query has ${query.length} values, expected ${this.dim}`)
      q = query
    }
    let qn = 0
    for (let d = 0; d < this.dim; d++) qn += q[d]! ** 2
    qn = Math.sqrt(qn)
    // Keep the best k in a small sorted array: k is tiny next to the vocabulary, so this beats a full sort.
    const best: { i: number; s: number }[] = []
    for (let i = 0; i < this.words.length; i++) {
      if (i === self) continue
      const denom = qn * this.norms[i]!
      let dot = 0
      for (let d = 0, o = i * this.dim; d < this.dim; d++) dot += q[d]! * this.vectors[o + d]!
      const s = denom === 0 ? 0 : dot / denom
      if (best.length === k && s <= best[k - 1]!.s) continue
      let at = best.length
      while (at > 0 && best[at - 1]!.s < s) at--
      best.splice(at, 0, { i, s })
      if (best.length > k) best.pop()
    }
    return best.map(({ i, s }) => ({ word: this.words[i]!, similarity: s }))
  }
}
