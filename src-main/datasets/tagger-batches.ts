/**
 * The tagger's data pipeline over a dataset's clips: decoded once into the AudioCache (16 kHz
 * mono float32 by default), random crops of `crop` samples per clip and epoch, shuffled batches in
 * an order fixed by (seed, epoch), and the next batches' audio loaded while the current one trains.
 * Clips whose audio cannot be decoded (zero-byte or corrupt files) are skipped and listed, never
 * fatal. Plain Float32Arrays out: the training job turns them into tensors.
 */
import { createRng } from '../util/random'
import { skippedClip } from './validity'
import { epochOrder } from '../engine/train/shuffle'
import type { AudioCache } from './audio-cache'
import type { Hz, Samples } from '../util/units'

/** One clip with its multi-hot labels over the tag vocabulary. */
export interface LabelledClip {
  clipId: number
  path: string
  labels: Uint8Array
}

/** A batch as flat arrays: x [size, crop] audio, y [size, tags] labels. */
export interface ArrayBatch {
  x: Float32Array
  y: Float32Array
  size: number
}

/** A clip the pipeline left out, and why (the reason without the path, as the library records it). */
export interface SkippedClip {
  clipId: number
  path: string
  reason: string
  /** The file was not there (moved or deleted): recorded as missing, which an import re-checks. */
  missing: boolean
}

/** How to cut a dataset into batches. */
export interface TaggerBatchOptions {
  clips: LabelledClip[]
  cache: AudioCache
  sampleRate: Hz
  /** Samples per example (59049 for the report's nets). */
  crop: Samples
  batch: number
  seed: number
  /** Batches whose audio is loaded ahead of the one training (2). */
  prefetch?: number
}

/** Batches of random crops over a list of labelled clips. */
export class TaggerBatches {
  readonly skipped: SkippedClip[] = []
  private readonly bad = new Set<number>()
  readonly tags: number

  constructor(private readonly opts: TaggerBatchOptions) {
    this.tags = opts.clips[0]?.labels.length ?? 0
  }

  /** Batches per epoch (the last may be smaller). */
  get batchesPerEpoch(): number {
    return Math.ceil((this.opts.clips.length - this.bad.size) / this.opts.batch)
  }

  /** The audio of clip `i`, or null (recorded in `skipped`) when it cannot be decoded. */
  async audio(i: number): Promise<Float32Array | null> {
    if (this.bad.has(i)) return null
    const clip = this.opts.clips[i]!
    try {
      return (await this.opts.cache.get(clip.path, this.opts.sampleRate)).samples
    } catch (err) {
      this.bad.add(i)
      this.skipped.push(skippedClip(clip.clipId, clip.path, err))
      return null
    }
  }

  /** The batches of `epoch`: each clip once, in the epoch's order, one random crop each. */
  async *epoch(epoch: number): AsyncGenerator<ArrayBatch> {
    const { clips, batch, crop, seed } = this.opts
    const order = epochOrder(clips.length, seed, epoch)
    const ahead = Math.max(1, this.opts.prefetch ?? 2) * batch
    const loads = new Map<number, Promise<Float32Array | null>>()
    let next = 0
    const fill = (): void => {
      while (next < order.length && loads.size < ahead) {
        const i = order[next++]!
        loads.set(i, this.audio(i))
      }
    }
    let x = new Float32Array(batch * crop)
    let y = new Float32Array(batch * this.tags)
    let size = 0
    for (let k = 0; k < order.length; k++) {
      fill()
      const i = order[k]!
      const audio = await loads.get(i)!
      loads.delete(i)
      if (!audio) continue
      // One crop per clip and epoch, from its own stream: the same in a resumed run.
      const rng = createRng((seed * 0x9e3779b1 + epoch * 0x85ebca6b + i * 0xc2b2ae35) >>> 0)
      cropInto(x, size * crop, audio, crop, Math.floor(rng.uniform() * Math.max(0, audio.length - crop + 1)))
      y.set(clips[i]!.labels, size * this.tags)
      if (++size === batch) {
        yield { x, y, size }
        x = new Float32Array(batch * crop)
        y = new Float32Array(batch * this.tags)
        size = 0
      }
    }
    if (size > 0) yield { x: x.subarray(0, size * crop), y: y.subarray(0, size * this.tags), size }
  }
}

/** Copies `crop` samples of `audio` from `start` into `out` at `at`, zero-padding past the clip's end. */
export function cropInto(out: Float32Array, at: number, audio: Float32Array, crop: Samples, start: Samples): void {
  const n = Math.min(crop, audio.length - start)
  out.set(audio.subarray(start, start + n), at)
  out.fill(0, at + Math.max(0, n), at + crop)
}
