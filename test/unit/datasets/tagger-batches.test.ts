/**
 * The tagger's data pipeline: the decode cache (hit after the first decode, keyed by file identity,
 * bounded) and the batches (deterministic per (seed, epoch), crops inside the clip, corrupt files
 * skipped and listed, never fatal).
 */
import { copyFile, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AudioCache } from '../../../src-main/datasets/audio-cache'
import { TaggerBatches, cropInto, type ArrayBatch, type LabelledClip } from '../../../src-main/datasets/tagger-batches'
import { loadMono } from '../../../src-main/audio/load'

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/audio/${name}`, import.meta.url))
const SR = 16000

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eb-pipeline-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('AudioCache', () => {
  it('decodes once, then serves the same samples from disk; a changed file is decoded again', async () => {
    const src = join(dir, 'take.wav')
    await copyFile(fixture('stereo-16.wav'), src)
    const cache = new AudioCache(join(dir, 'cache-a'))
    const first = await cache.get(src, SR)
    const again = await cache.get(src, SR)
    expect(first.hit).toBe(false)
    expect(again.hit).toBe(true)
    expect([...again.samples]).toEqual([...first.samples])
    expect([...first.samples]).toEqual([...(await loadMono(src, SR))])
    expect(await new AudioCache(join(dir, 'cache-a')).size()).toBe(first.samples.byteLength) // shared across instances (runs)
    const later = new Date(Date.now() + 5000)
    await utimes(src, later, later)
    expect((await cache.get(src, SR)).hit).toBe(false)
    expect((await cache.get(src, 8000)).hit).toBe(false) // another rate is another entry
  })

  it('stays under its byte bound, dropping the least recently used entries', async () => {
    const names = ['stereo-16.wav', 'mono-16.wav', 'stereo.flac', 'mono-22k.mp3']
    const bytes = 8000 * 4 // each of these is 0.5 s: 8000 samples at 16 kHz
    const cache = new AudioCache(join(dir, 'cache-b'), 2 * bytes + 100)
    for (const n of names) await cache.get(fixture(n), SR)
    expect(await cache.size()).toBeLessThanOrEqual(2 * bytes + 100)
    expect((await cache.get(fixture('mono-22k.mp3'), SR)).hit).toBe(true) // newest kept
    expect((await cache.get(fixture('stereo-16.wav'), SR)).hit).toBe(false) // oldest gone
  })

  it('rejects with the decoder error line for a file that is not audio', async () => {
    const bad = join(dir, 'zero.mp3')
    await writeFile(bad, '')
    await expect(new AudioCache(join(dir, 'cache-c')).get(bad, SR)).rejects.toThrow(/zero\.mp3: file is empty$/)
  })
})

describe('TaggerBatches', () => {
  const tags = (...on: number[]): Uint8Array => Uint8Array.from([0, 1, 2], (t) => (on.includes(t) ? 1 : 0))
  let clips: LabelledClip[]
  beforeAll(async () => {
    const empty = join(dir, 'empty.mp3')
    await writeFile(empty, '')
    clips = [
      { clipId: 1, path: fixture('stereo-16.wav'), labels: tags(0) },
      { clipId: 2, path: empty, labels: tags(1) },
      { clipId: 3, path: fixture('mono-16.wav'), labels: tags(2) },
      { clipId: 4, path: fixture('stereo.flac'), labels: tags(0, 2) },
      { clipId: 5, path: fixture('float-32.wav'), labels: tags(1) } // 0.1 s: shorter than a crop, zero-padded
    ]
  })
  const make = (): TaggerBatches => new TaggerBatches({ clips, cache: new AudioCache(join(dir, 'cache-d')), sampleRate: SR, crop: 4000, batch: 2, seed: 7 })
  const collect = async (b: TaggerBatches, epoch: number): Promise<ArrayBatch[]> => {
    const out: ArrayBatch[] = []
    for await (const batch of b.epoch(epoch)) out.push({ x: batch.x.slice(), y: batch.y.slice(), size: batch.size })
    return out
  }

  it('gives every usable clip once per epoch, skips and lists the corrupt one, never fails', async () => {
    const b = make()
    const batches = await collect(b, 0)
    expect(batches.map((x) => x.size)).toEqual([2, 2])
    expect(b.skipped).toEqual([{ clipId: 2, path: clips[1]!.path, reason: 'file is empty', missing: false }])
    const labelSets = batches.flatMap((x) => [0, 1].slice(0, x.size).map((k) => [...x.y.subarray(k * 3, k * 3 + 3)].join('')))
    expect(labelSets.sort()).toEqual(['010', '100', '001', '101'].sort())
    expect(b.batchesPerEpoch).toBe(2)
  })

  it('is the same for the same (seed, epoch), and another order and crop in another epoch', async () => {
    const [a, again, other] = [await collect(make(), 3), await collect(make(), 3), await collect(make(), 4)]
    expect(again).toEqual(a)
    expect(other).not.toEqual(a)
  })

  it('crops inside the clip and zero-pads a clip shorter than the crop', () => {
    const out = new Float32Array(8).fill(9)
    cropInto(out, 2, Float32Array.of(1, 2, 3), 5, 1)
    expect([...out]).toEqual([9, 9, 2, 3, 0, 0, 0, 9])
  })
})
