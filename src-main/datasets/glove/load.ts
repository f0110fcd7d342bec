import { createReadStream, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { UserError, describeError } from '../../util/errors'
import { Embeddings } from './embeddings'

/** Options for reading a GloVe text file. */
export interface GloveLoadOptions {
  /** Called with bytes read so far and the file size. */
  onProgress?: (doneBytes: number, totalBytes: number) => void
  /** Stop after this many words (GloVe files are sorted by frequency, so a prefix keeps the common words). */
  maxWords?: number
}

/** Rows to allocate at first; the buffer doubles as the file goes on. */
const INITIAL_ROWS = 4096

/** A word2vec-style first line, "<count> <dimension>", which some GloVe conversions carry. */
const HEADER = /^(\d+) (\d+)$/

/** The longest line read, in characters: the 840B file's 300-dimensional lines are about 3.4 KB. */
export const GLOVE_MAX_LINE_CHARS = 4 * 1024 * 1024

/**
 * Streams a GloVe text file (`word v1 v2 ... vD` per line, any D) into an Embeddings table. The first
 * vector line fixes D; a line with another count is a UserError naming its line number and both
 * counts. A first line of exactly two integers is a header ("count dim", as word2vec writes): D must
 * match it, and unless `maxWords` stops the read early, so must the number of vector lines. Words
 * containing spaces (a few in the 840B file) are kept whole; a repeated word keeps its first vector.
 * A UTF-8 byte-order mark and CRLF line ends are accepted.
 */
export async function loadGlove(path: string, opts: GloveLoadOptions = {}): Promise<{ embeddings: Embeddings; duplicates: number }> {
  let total: number
  try {
    const st = statSync(path)
    total = st.size
    // A device or a FIFO (/dev/zero, a named pipe) never ends, or blocks the open: refused unread.
    if (!st.isFile()) throw new UserError(`GloVe file ${path}: not a regular file`)
  } catch (err) {
    if (err instanceof UserError) throw err
    throw new UserError(`GloVe file ${path}: cannot read (${describeError(err)})`)
  }
  const stream = createReadStream(path, { encoding: 'utf8' })
  const lines = createInterface({ input: stream, crlfDelay: Infinity })
  // readline buffers a line whole: one without an end (a binary or minified file) would grow to
  // V8's string limit and fail as "Invalid string length". Past the bound the read stops with its line.
  let ends = 0
  let sinceEnd = 0
  stream.on('data', (chunk: string | Buffer) => {
    const text = chunk.toString()
    let last = -1
    for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) {
      ends++
      last = k
    }
    sinceEnd = last < 0 ? sinceEnd + text.length : text.length - last - 1
    if (sinceEnd > GLOVE_MAX_LINE_CHARS) {
      stream.destroy(new UserError(`GloVe file ${path} line ${ends + 1}: longer than ${GLOVE_MAX_LINE_CHARS / 1024 / 1024} MB without a line end (not a GloVe text file?)`))
    }
  })
  const words: string[] = []
  let dim = 0
  let vectors = new Float32Array(0)
  let lineNo = 0
  let bytes = 0
  const seen = new Set<string>()
  let duplicates = 0
  let header: { count: number; dim: number } | undefined
  let vectorLines = 0
  let stopped = false
  try {
    for await (const raw of lines) {
      lineNo++
      bytes += Buffer.byteLength(raw) + 1
      // The BOM some Windows editors write would otherwise start the first word.
      const line = (lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw).trimEnd()
      if (line === '') continue
      const m = lineNo === 1 ? HEADER.exec(line) : null
      if (m) {
        header = { count: Number(m[1]), dim: Number(m[2]) }
        dim = header.dim
        if (dim < 1) throw new UserError(`GloVe file ${path} line 1: header "${line}" states dimension 0`)
        vectors = new Float32Array(INITIAL_ROWS * dim)
        continue
      }
      const tokens = line.split(' ')
      vectorLines++
      if (dim === 0) {
        // The first line fixes D: its trailing numbers, so a first word with spaces ("rock and roll")
        // counts as a word; a line of numbers only is a numeric word followed by its vector.
        let numeric = 0
        while (numeric < tokens.length && tokens[tokens.length - 1 - numeric] !== '' && Number.isFinite(Number(tokens[tokens.length - 1 - numeric]))) numeric++
        dim = numeric === tokens.length ? tokens.length - 1 : numeric
        if (dim < 1) throw new UserError(`GloVe file ${path} line ${lineNo}: a word with no vector`)
        vectors = new Float32Array(INITIAL_ROWS * dim)
      }
      const word = wordOf(tokens, dim, path, lineNo, header !== undefined)
      if (seen.has(word)) {
        duplicates++
        continue
      }
      seen.add(word)
      const row = words.length
      if ((row + 1) * dim > vectors.length) {
        const grown = new Float32Array(vectors.length * 2)
        grown.set(vectors)
        vectors = grown
      }
      const first = tokens.length - dim
      for (let d = 0; d < dim; d++) {
        const v = Number(tokens[first + d])
        if (!Number.isFinite(v) || tokens[first + d] === '') {
          throw new UserError(`GloVe file ${path} line ${lineNo}: value ${d + 1} "${tokens[first + d]}" is not a number`)
        }
        vectors[row * dim + d] = v
      }
      words.push(word)
      if (lineNo % 10000 === 0) opts.onProgress?.(bytes, total)
      if (opts.maxWords !== undefined && words.length >= opts.maxWords) {
        stopped = true
        break
      }
    }
  } catch (err) {
    if (err instanceof UserError) throw err
    throw new UserError(`GloVe file ${path}: cannot read (${describeError(err)})`)
  } finally {
    lines.close()
    stream.destroy()
  }
  if (header && !stopped && vectorLines !== header.count) {
    throw new UserError(`GloVe file ${path}: header says ${header.count} vectors of dimension ${header.dim}, found ${vectorLines}`)
  }
  if (words.length === 0) throw new UserError(`GloVe file ${path}: no vectors found`)
  opts.onProgress?.(total, total)
  return { embeddings: new Embeddings(words, vectors.slice(0, words.length * dim), dim), duplicates }
}

/**
 * The word of a line with `dim` values: the tokens before the last `dim`. More tokens than
 * dim + 1 are a multi-word token only when the extra ones are not numbers (otherwise the line
 * simply has too many values).
 */
function wordOf(tokens: string[], dim: number, path: string, lineNo: number, fromHeader: boolean): string {
  const found = tokens.length - 1
  const extra = tokens.length - dim
  const expected = `${dim} values${fromHeader ? ' (as the header on line 1 says)' : ''}`
  const ragged = (): UserError => new UserError(`GloVe file ${path} line ${lineNo}: expected ${expected}, found ${found}`)
  if (extra < 1) throw ragged()
  if (extra > 1 && tokens.slice(1, extra).some((t) => t !== '' && Number.isFinite(Number(t)))) throw ragged()
  return tokens.slice(0, extra).join(' ')
}
