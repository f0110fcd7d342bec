/**
 * WaveNet's data pipeline over speech clips: silence trimmed at both ends, mu-law quantised, cut
 * into random crops of receptiveField + targets samples, shuffled in an order fixed by (seed,
 * epoch), each crop tagged with its speaker's index. A crop of L = RF + N samples gives the model
 * L - 1 input levels; output t (which sees inputs t - RF + 1..t) predicts level t + 1, so only the
 * last N outputs, t >= RF - 1, see a whole receptive field inside the crop: the loss is taken on
 * those (`lossFrom`), whose targets are the crop's last N levels. Plain typed arrays out: the
 * training step turns them into tensors.
 *
 * Local conditioning (log-mel, dsp/mel-frames.ts): each clip's frames are computed once from its
 * whole trimmed audio and kept for the batcher's life (up to MEL_CACHE_BYTES), and crops start on a hop boundary of the
 * clip, so a crop's frames are a slice of its clip's: frame i of the crop describes the crop's
 * input samples [i * hop, (i + 1) * hop). Hop-aligned crops rather than frames computed per crop:
 * one STFT per clip instead of one per crop, each frame's window sees the clip's real neighbours
 * instead of a crop edge's reflection, and generation from a recording sees its frames at the same
 * phase (its frames also start at sample 0). The model's input (crop - 1 samples) must then be whole
 * frames (engine/train/wavenet.ts raises targets to make it so).
 */
import { createRng } from '../util/random'
import { muLawEncode } from '../dsp/mulaw'
import { epochOrder } from '../engine/train/shuffle'
import { melFrames, type MelSettings } from '../dsp/mel-frames'
import { UserError } from '../util/errors'
import type { Decibels, Samples } from '../util/units'

/** Silence threshold of trimming, relative to the clip's peak (VCTK's own trimmed release uses a similar level). */
export const TRIM_DB: Decibels = -40

/** One clip of the pipeline: its trimmed length, its speaker's index (0 when unconditioned) and its global vector when vector-conditioned. */
export interface WavenetClip {
  clipId: number
  /** Samples after trimming: the crops are cut from these. */
  length: Samples
  speaker: number
  /** The clip's dense global vector (tags multi-hot, mean GloVe vector); every clip's the same width. */
  global?: Float32Array
}

/**
 * A batch: `size` crops as input levels [size, crop - 1], target levels [size, targets], speaker
 * indices [size], with clip vectors their crops' vectors [size, width], and with mel conditioning the
 * input's frames [size, (crop - 1) / hop, bands].
 */
export interface WavenetBatch {
  input: Int32Array
  target: Int32Array
  speaker: Int32Array
  size: number
  local?: Float32Array
  global?: Float32Array
  /** Each crop's start in its clip's trimmed audio (samples). */
  starts?: Int32Array
}

/** How to cut clips into batches. */
export interface WavenetBatchOptions {
  clips: WavenetClip[]
  /** The trimmed audio of clip `i` of `clips` (its length must be `clips[i].length`). */
  load: (i: number) => Promise<Float32Array>
  receptiveField: Samples
  /** Outputs per crop that carry the loss (N). */
  targets: Samples
  batch: number
  seed: number
  /** Mu-law levels (256). */
  quantization?: number
  /** Log-mel settings of local conditioning; absent for none. */
  mel?: MelSettings
  /** Bytes of mel frames kept between crops (MEL_CACHE_BYTES). */
  melCacheBytes?: number
}

/**
 * The [start, end) of `x` left after trimming leading and trailing samples quieter than `db` below
 * the peak; [0, 0) for an all-silent clip.
 */
export function trimBounds(x: Float32Array, db: Decibels = TRIM_DB): { start: Samples; end: Samples } {
  let peak = 0
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]!))
  if (peak === 0) return { start: 0, end: 0 }
  const floor = peak * 10 ** (db / 20)
  let start = 0
  while (start < x.length && Math.abs(x[start]!) < floor) start++
  let end = x.length
  while (end > start && Math.abs(x[end - 1]!) < floor) end--
  return { start, end }
}

/** `x` without its leading and trailing silence (a view, no copy). */
export function trimSilence(x: Float32Array, db: Decibels = TRIM_DB): Float32Array {
  const { start, end } = trimBounds(x, db)
  return x.subarray(start, end)
}

/**
 * Bytes of mel frames a batcher keeps: 256 MB holds every clip of a few thousand (80 bands at a
 * 16 ms hop: about 20 kB per second of audio); beyond it the oldest clips' frames are computed again.
 */
export const MEL_CACHE_BYTES = 256 * 2 ** 20

/** Crops of a clip per epoch: as many whole crops as it holds, so an epoch covers about the data once. */
export const cropsOf = (length: Samples, crop: Samples): number => Math.floor(length / crop)

/** Batches of random crops over clips at least one crop long. */
export class WavenetBatches {
  /** Samples per crop: receptiveField + targets. */
  readonly crop: Samples
  /** The first output index that carries the loss: receptiveField - 1. */
  readonly lossFrom: number
  private readonly owners: Uint32Array
  /** Each clip's mel frames, computed on first use (see the file's note), oldest dropped beyond MEL_CACHE_BYTES. */
  private readonly frames = new Map<number, Float32Array>()
  private framesBytes = 0

  constructor(private readonly opts: WavenetBatchOptions) {
    this.crop = opts.receptiveField + opts.targets
    this.lossFrom = opts.receptiveField - 1
    if (opts.mel && (this.crop - 1) % opts.mel.hop !== 0) {
      throw new UserError(`crops of ${this.crop} samples give ${this.crop - 1} input samples, not whole ${opts.mel.hop}-sample mel frames: make receptive field + targets - 1 a multiple of the hop`)
    }
    const width = opts.clips[0]?.global?.length ?? 0
    if (opts.clips.some((c) => (c.global?.length ?? 0) !== width)) throw new Error('wavenet batches: clips with global vectors of different widths')
    const owners: number[] = []
    opts.clips.forEach((c, i) => {
      for (let k = 0; k < cropsOf(c.length, this.crop); k++) owners.push(i)
    })
    this.owners = Uint32Array.from(owners)
  }

  /** Crops per epoch. */
  get cropsPerEpoch(): number {
    return this.owners.length
  }

  /** Batches per epoch (the last may be smaller). */
  get batchesPerEpoch(): number {
    return Math.ceil(this.owners.length / this.opts.batch)
  }

  /** Clip `i`'s mel frames [ceil(length / hop), bands], from `x`, its audio (cached). */
  private clipFrames(i: number, x: Float32Array, mel: MelSettings): Float32Array {
    let f = this.frames.get(i)
    if (!f) {
      f = melFrames(x, mel).data
      this.frames.set(i, f)
      this.framesBytes += f.byteLength
      for (const [k, old] of this.frames) {
        if (this.framesBytes <= (this.opts.melCacheBytes ?? MEL_CACHE_BYTES)) break
        this.frames.delete(k)
        this.framesBytes -= old.byteLength
      }
    }
    return f
  }

  /** The batches of `epoch`: every clip's crops, shuffled together, each at a random start of its own stream. */
  async *epoch(epoch: number): AsyncGenerator<WavenetBatch> {
    const { batch, seed, clips, mel } = this.opts
    const hop = mel?.hop ?? 1
    const cropFrames = mel ? (this.crop - 1) / hop : 0
    const q = this.opts.quantization ?? 256
    const crop = this.crop
    const width = clips[0]?.global?.length ?? 0
    const order = epochOrder(this.owners.length, seed, epoch)
    // Crops of one clip come round many times an epoch: keep the last few clips decoded.
    const memo = new Map<number, Promise<Float32Array>>()
    const audio = (i: number): Promise<Float32Array> => {
      let a = memo.get(i)
      if (!a) {
        a = this.opts.load(i)
        memo.set(i, a)
        if (memo.size > 64) memo.delete(memo.keys().next().value!)
      }
      return a
    }
    for (let b = 0; b < order.length; b += batch) {
      const size = Math.min(batch, order.length - b)
      const input = new Int32Array(size * (crop - 1))
      const target = new Int32Array(size * (crop - this.lossFrom - 1))
      const speaker = new Int32Array(size)
      const starts = new Int32Array(size)
      const local = mel ? new Float32Array(size * cropFrames * mel.bands) : undefined
      const global = width > 0 ? new Float32Array(size * width) : undefined
      for (let k = 0; k < size; k++) {
        const j = order[b + k]!
        const i = this.owners[j]!
        const x = await audio(i)
        // One start per (seed, epoch, crop): the same in a resumed run.
        const rng = createRng((seed * 0x9e3779b1 + epoch * 0x85ebca6b + j * 0xc2b2ae35) >>> 0)
        // On a hop boundary with mel frames (hop 1 otherwise: any start).
        const start = hop * Math.floor(rng.uniform() * (Math.floor((x.length - crop) / hop) + 1))
        starts[k] = start
        if (mel) local!.set(this.clipFrames(i, x, mel).subarray((start / hop) * mel.bands, (start / hop + cropFrames) * mel.bands), k * cropFrames * mel.bands)
        const levels = muLawEncode(x.subarray(start, start + crop), q)
        input.set(levels.subarray(0, crop - 1), k * (crop - 1))
        target.set(levels.subarray(this.lossFrom + 1), k * (crop - this.lossFrom - 1))
        speaker[k] = clips[i]!.speaker
        if (global) global.set(clips[i]!.global!, k * width)
      }
      yield { input, target, speaker, size, starts, ...(local && { local }), ...(global && { global }) }
    }
  }
}
