import { readdirSync, readFileSync } from 'node:fs'
import { MAX_DATASET_FILE_BYTES, requireReadableFile } from '../fs-checks'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { UserError, describeError } from '../../util/errors'
import type { Mnist, MnistSet } from './types'

/** IDX magic numbers: 0x08 = unsigned bytes, then the number of dimensions (3 for images, 1 for labels). */
const IMAGES_MAGIC = 0x00000803
const LABELS_MAGIC = 0x00000801
/** gzip's first two bytes. */
const GZIP_MAGIC = 0x1f8b

/** Reads an IDX file (optionally gzipped) into its dimensions and bytes, checking magic and size. */
export function readIdx(path: string, expectedMagic: number): { dims: number[]; data: Uint8Array } {
  let buf: Buffer
  requireReadableFile(path, 'MNIST file')
  try {
    buf = readFileSync(path)
    // A gzip that inflates past the bound (a zip bomb) fails here instead of filling memory.
    if (buf.length >= 2 && buf.readUInt16BE(0) === GZIP_MAGIC) buf = gunzipSync(buf, { maxOutputLength: MAX_DATASET_FILE_BYTES })
  } catch (err) {
    throw new UserError(`MNIST file ${path}: cannot read (${describeError(err)})`)
  }
  if (buf.length < 4) throw new UserError(`MNIST file ${path}: ${buf.length} bytes is too short for an IDX header`)
  const magic = buf.readUInt32BE(0)
  if (magic !== expectedMagic) {
    throw new UserError(`MNIST file ${path}: magic number 0x${hex(magic)}, expected 0x${hex(expectedMagic)}`)
  }
  const ndims = magic & 0xff
  const headerBytes = 4 + 4 * ndims
  if (buf.length < headerBytes) throw new UserError(`MNIST file ${path}: header is cut short`)
  const dims = Array.from({ length: ndims }, (_, i) => buf.readUInt32BE(4 + 4 * i))
  const expected = headerBytes + dims.reduce((a, b) => a * b, 1)
  if (buf.length !== expected) {
    throw new UserError(`MNIST file ${path}: ${buf.length} bytes, expected ${expected} for dimensions ${dims.join('x')}`)
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + headerBytes, expected - headerBytes) }
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0')
}

/** Loads one half (images + labels files) and checks that they agree. */
export function loadIdxPair(imagesPath: string, labelsPath: string): MnistSet {
  const img = readIdx(imagesPath, IMAGES_MAGIC)
  const lab = readIdx(labelsPath, LABELS_MAGIC)
  const [count, rows, cols] = img.dims as [number, number, number]
  if (lab.dims[0] !== count) throw new UserError(`MNIST file ${labelsPath}: ${lab.dims[0]} labels for ${count} images in ${imagesPath}`)
  const bad = lab.data.findIndex((l) => l > 9)
  if (bad >= 0) throw new UserError(`MNIST file ${labelsPath}: label ${lab.data[bad]} at item ${bad} is not a digit`)
  const images = new Float32Array(img.data.length)
  // Pixels are 0..255 bytes; the VAE wants 0..1.
  for (let i = 0; i < images.length; i++) images[i] = img.data[i]! / 255
  return { images, labels: new Uint8Array(lab.data), count, rows, cols }
}

/** Finds `<stem>` in `dir` under its usual spellings (idx3-ubyte or .idx3-ubyte, optionally .gz). */
export function findIdxFile(dir: string, stem: 'train-images' | 'train-labels' | 't10k-images' | 't10k-labels'): string {
  const kind = stem.endsWith('images') ? 'idx3' : 'idx1'
  const candidates = [`${stem}-${kind}-ubyte`, `${stem}.${kind}-ubyte`].flatMap((n) => [n, `${n}.gz`])
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    throw new UserError(`MNIST folder ${dir}: not a readable folder`)
  }
  const found = candidates.find((c) => names.includes(c))
  if (!found) throw new UserError(`MNIST folder ${dir}: missing ${candidates[0]} (or .gz)`)
  return join(dir, found)
}

/** Loads the four standard IDX files from `dir`. */
export function loadMnistIdx(dir: string): Mnist {
  const train = loadIdxPair(findIdxFile(dir, 'train-images'), findIdxFile(dir, 'train-labels'))
  const test = loadIdxPair(findIdxFile(dir, 't10k-images'), findIdxFile(dir, 't10k-labels'))
  // A model trains on one image size and is measured on the same: an empty half or two sizes cannot be used.
  for (const [name, set] of [['train', train], ['t10k', test]] as const) {
    if (set.count === 0 || set.rows === 0 || set.cols === 0) throw new UserError(`MNIST folder ${dir}: ${name}-images holds no image (${set.count} of ${set.rows}x${set.cols})`)
  }
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new UserError(`MNIST folder ${dir}: training images are ${train.rows}x${train.cols} but test images ${test.rows}x${test.cols}`)
  }
  return { train, test }
}
