import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { loadGlove } from '../../../src-main/datasets/glove/load'
import { importGlove } from '../../../src-main/datasets/glove/import'
import { Library } from '../../../src-main/library/library'
import { UserError } from '../../../src-main/util/errors'
import { GLOVE_WITH_HEADER } from './field-inputs'

const FIXTURE = resolve('test/fixtures/glove/glove.fixture.8d.txt')
const RAGGED = resolve('test/fixtures/glove/glove.ragged.8d.txt')

/** Cosine similarity written out plainly, to check the table's own. */
const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!
    na += a[i]! ** 2
    nb += b[i]! ** 2
  }
  return dot / Math.sqrt(na * nb)
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eb-glove-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('loadGlove', () => {
  it('reads every word of the file with its vector', async () => {
    const { embeddings: e, duplicates } = await loadGlove(FIXTURE)
    expect(e.dim).toBe(8)
    expect(e.size).toBe(16)
    expect(duplicates).toBe(1)
    const firstLine = readFileSync(FIXTURE, 'utf8').split('\n')[0]!.split(' ')
    expect(Array.from(e.lookup('piano')!)).toEqual(firstLine.slice(1).map((v) => Math.fround(Number(v))))
    expect(e.lookup('. . .')).toHaveLength(8)
    expect(e.lookup('theremin')).toBeUndefined()
  })

  it('finds nearest neighbours by cosine inside the word’s cluster', async () => {
    const { embeddings: e } = await loadGlove(FIXTURE)
    const near = e.nearest('piano', 4)
    expect(near).toHaveLength(4)
    for (const n of near) expect(['guitar', 'violin', 'flute', 'drums', 'cello']).toContain(n.word)
    for (let i = 1; i < near.length; i++) expect(near[i]!.similarity).toBeLessThanOrEqual(near[i - 1]!.similarity)
    expect(near[0]!.similarity).toBeCloseTo(cosine(e.lookup('piano')!, e.lookup(near[0]!.word)!), 5)
    const byVector = e.nearest(e.lookup('sad')!, 1)
    expect(byVector[0]).toMatchObject({ word: 'sad' })
    expect(byVector[0]!.similarity).toBeCloseTo(1, 5)
    expect(() => e.nearest('theremin')).toThrow(UserError)
    expect(() => e.nearest(new Float32Array(3))).toThrow(/query has 3 values, expected 8/)
  })

  it('names the line and both dimensions for a ragged line', async () => {
    await expect(loadGlove(RAGGED)).rejects.toThrow(new UserError(`GloVe file ${RAGGED} line 6: expected 8 values, found 7`))
  })

  it('rejects non-numbers, empty files and missing files clearly', async () => {
    const bad = join(dir, 'glove.bad.txt')
    writeFileSync(bad, 'a 1 2 3\nb 1 two 3\n')
    await expect(loadGlove(bad)).rejects.toThrow(`GloVe file ${bad} line 2: value 2 "two" is not a number`)
    writeFileSync(bad, 'a 1 2 3\nb 1 2 3 4\n')
    await expect(loadGlove(bad)).rejects.toThrow(`line 2: expected 3 values, found 4`)
    writeFileSync(bad, '\n\n')
    await expect(loadGlove(bad)).rejects.toThrow(/no vectors found/)
    await expect(loadGlove(join(dir, 'absent.txt'))).rejects.toThrow(/cannot read/)
    // A big table grows past its first allocation and keeps every value.
    const rows = Array.from({ length: 5000 }, (_, i) => `w${i} ${i} ${-i} 0.5`).join('\n')
    writeFileSync(bad, rows)
    const { embeddings } = await loadGlove(bad)
    expect(embeddings.size).toBe(5000)
    expect(Array.from(embeddings.lookup('w4999')!)).toEqual([4999, -4999, 0.5])
    expect((await loadGlove(bad, { maxWords: 10 })).embeddings.size).toBe(10)
  })

  it('kind 5: a word2vec-style "count dim" first line is a header, checked against the file', async () => {
    const file = join(dir, 'glove.header.txt')
    writeFileSync(file, GLOVE_WITH_HEADER)
    const { embeddings } = await loadGlove(file)
    expect([embeddings.size, embeddings.dim]).toEqual([2, 3])
    expect(Array.from(embeddings.lookup('of')!)).toEqual([0.4, 0.5, 0.6].map(Math.fround))
    writeFileSync(file, GLOVE_WITH_HEADER.replace('2 3', '3 3'))
    await expect(loadGlove(file)).rejects.toThrow(new UserError(`GloVe file ${file}: header says 3 vectors of dimension 3, found 2`))
    writeFileSync(file, GLOVE_WITH_HEADER.replace('2 3', '2 4'))
    await expect(loadGlove(file)).rejects.toThrow(new UserError(`GloVe file ${file} line 2: expected 4 values (as the header on line 1 says), found 3`))
    // A repeated word still counts as a vector line; maxWords stops before the count can be checked.
    writeFileSync(file, '3 3\nthe 0.1 0.2 0.3\nof 0.4 0.5 0.6\nthe 0.7 0.8 0.9\n')
    expect((await loadGlove(file)).duplicates).toBe(1)
    expect((await loadGlove(file, { maxWords: 1 })).embeddings.size).toBe(1)
  })

  it('reads a UTF-8 BOM, CRLF line ends and words with spaces', async () => {
    const file = join(dir, 'glove.windows.txt')
    writeFileSync(file, '\uFEFF2 3\r\nthe 0.1 0.2 0.3\r\nnew york 0.4 0.5 0.6\r\n')
    const { embeddings } = await loadGlove(file)
    expect(embeddings.words).toEqual(['the', 'new york'])
    expect(embeddings.dim).toBe(3)
    writeFileSync(file, '\uFEFFthe 0.1 0.2 0.3\r\nof 0.4 0.5 0.6\r\n')
    expect((await loadGlove(file)).embeddings.words).toEqual(['the', 'of'])
  })

  it('registers the file as a dataset', async () => {
    const lib = Library.open(dir)
    try {
      const r = await importGlove(lib, FIXTURE)
      expect(r).toMatchObject({ file: FIXTURE, dim: 8, words: 16, duplicates: 1 })
      expect(lib.datasets.list('glove')).toMatchObject([{ rootPath: FIXTURE, meta: { dim: 8, words: 16 } }])
    } finally {
      lib.close()
    }
  })
})
