/**
 * WaveNet's data pipeline: silence trimming at -40 dB, crops of receptiveField + targets samples,
 * inputs and targets one sample apart, the loss window (only outputs with a whole receptive field),
 * speaker indices carried with each crop, and the same batches for the same (seed, epoch).
 */
import { describe, expect, it } from 'vitest'
import { WavenetBatches, cropsOf, trimBounds, trimSilence, type WavenetBatch, type WavenetClip } from '../../../src-main/datasets/wavenet-batches'
import { muLawEncode } from '../../../src-main/dsp/mulaw'
import { defaultMelSettings, melFrames } from '../../../src-main/dsp/mel-frames'

const RF = 17
const N = 32
const CROP = RF + N

/** A clip whose sample i is a distinct ramp value, so each crop's position can be read back from its levels. */
function ramp(length: number, offset: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => -0.9 + (1.8 * ((i + offset) % 997)) / 997)
}

const AUDIO = [ramp(5 * CROP + 7, 0), ramp(2 * CROP, 300), ramp(3 * CROP + 1, 600)]
const CLIPS: WavenetClip[] = AUDIO.map((a, i) => ({ clipId: 10 + i, length: a.length, speaker: [2, 0, 1][i]! }))

function batches(seed: number, batch = 4): WavenetBatches {
  return new WavenetBatches({ clips: CLIPS, load: async (i) => AUDIO[i]!, receptiveField: RF, targets: N, batch, seed })
}

async function collect(b: WavenetBatches, epoch: number): Promise<WavenetBatch[]> {
  const out: WavenetBatch[] = []
  for await (const x of b.epoch(epoch)) out.push(x)
  return out
}

describe('trimSilence', () => {
  it('drops leading and trailing samples more than 40 dB below the peak, keeps quiet samples inside', () => {
    const x = new Float32Array(100)
    x.fill(0.001, 0, 100) // -60 dB against a peak of 1: silence
    x[20] = 0.5
    x[50] = 1
    x[60] = 0.001 // quiet inside the speech: kept
    x[70] = -0.02 // -34 dB: speech
    expect(trimBounds(x)).toEqual({ start: 20, end: 71 })
    expect(trimSilence(x).length).toBe(51)
    expect(trimBounds(new Float32Array(10))).toEqual({ start: 0, end: 0 })
  })
})

describe('WavenetBatches', () => {
  it('an epoch holds every whole crop of every clip; inputs are crop - 1 levels, targets the last N', async () => {
    const b = batches(1)
    expect(b.crop).toBe(CROP)
    expect(b.lossFrom).toBe(RF - 1)
    const crops = CLIPS.reduce((s, c) => s + cropsOf(c.length, CROP), 0)
    expect(crops).toBe(5 + 2 + 3)
    expect(b.cropsPerEpoch).toBe(crops)
    expect(b.batchesPerEpoch).toBe(3)
    const all = await collect(b, 0)
    expect(all.map((x) => x.size)).toEqual([4, 4, 2])
    for (const x of all) {
      expect(x.input.length).toBe(x.size * (CROP - 1))
      expect(x.target.length).toBe(x.size * N)
      expect(x.speaker.length).toBe(x.size)
    }
  })

  it('targets are the levels one sample ahead of the loss window\'s inputs, from one contiguous stretch of the clip, with its speaker', async () => {
    const encoded = AUDIO.map((a) => muLawEncode(a))
    const seen = new Map<number, number>()
    for (const x of await collect(batches(3), 0)) {
      for (let k = 0; k < x.size; k++) {
        const input = x.input.subarray(k * (CROP - 1), (k + 1) * (CROP - 1))
        const target = x.target.subarray(k * N, (k + 1) * N)
        // Output t = lossFrom + n predicts level t + 1: the crop's level RF + n, the target n.
        for (let n = 0; n < N - 1; n++) expect(target[n]).toBe(input[RF + n])
        // The crop is input + its last target, found in the clip of its speaker.
        const crop = [...input, target[N - 1]!]
        const clip = CLIPS.findIndex((c) => c.speaker === x.speaker[k])
        const levels = encoded[clip]!
        const start = [...Array(levels.length - CROP + 1).keys()].find((s) => crop.every((v, i) => levels[s + i] === v))
        expect(start, `crop ${k} in clip ${clip}`).toBeDefined()
        seen.set(clip, (seen.get(clip) ?? 0) + 1)
      }
    }
    expect([...seen.entries()].sort()).toEqual([
      [0, 5],
      [1, 2],
      [2, 3]
    ])
  })

  it('the same seed and epoch give the same batches; another epoch or seed another order', async () => {
    const a = await collect(batches(7), 2)
    const again = await collect(batches(7), 2)
    expect(again).toEqual(a)
    expect(await collect(batches(7), 3)).not.toEqual(a)
    expect(await collect(batches(8), 2)).not.toEqual(a)
  })

  it('a clip shorter than one crop gives none', () => {
    expect(cropsOf(CROP - 1, CROP)).toBe(0)
    const b = new WavenetBatches({ clips: [{ clipId: 1, length: CROP - 1, speaker: 0 }], load: async () => new Float32Array(CROP - 1), receptiveField: RF, targets: N, batch: 2, seed: 0 })
    expect(b.cropsPerEpoch).toBe(0)
  })
})

describe('WavenetBatches with log-mel frames', () => {
  // Hop 16, 6 bands, nFft 64: RF 17 + targets 32 gives 48 input samples, 3 frames per crop.
  const MEL = defaultMelSettings(8000, { hop: 16, bands: 6 })
  const voiced = (length: number, f: number): Float32Array => Float32Array.from({ length }, (_, i) => 0.5 * Math.sin(i * f) * (0.3 + 0.7 * Math.abs(Math.sin(i / 40))))
  const audio = [voiced(400, 0.3), voiced(260, 0.9)]
  const clips = audio.map((a, i) => ({ clipId: i, length: a.length, speaker: i }))
  const make = (targets = N) => new WavenetBatches({ clips, load: async (i) => audio[i]!, receptiveField: RF, targets, batch: 3, seed: 5, mel: MEL })

  it('each crop starts on a hop boundary and carries its frames [size, (crop - 1) / hop, bands]: a slice of its clip\'s frames', async () => {
    const frames = audio.map((a) => melFrames(a, MEL).data)
    let crops = 0
    let compared = 0
    for await (const x of make().epoch(1)) {
      expect(x.local).toHaveLength(x.size * 3 * 6)
      for (let k = 0; k < x.size; k++) {
        const start = x.starts![k]!
        expect(start % 16).toBe(0)
        const clip = x.speaker[k]!
        expect(Array.from(x.input.subarray(k * (CROP - 1), (k + 1) * (CROP - 1)))).toEqual(Array.from(muLawEncode(audio[clip]!.subarray(start, start + CROP - 1))))
        const local = x.local!.subarray(k * 18, (k + 1) * 18)
        expect(local).toEqual(frames[clip]!.subarray((start / 16) * 6, (start / 16 + 3) * 6))
        // Equal to logMel frames of the crop's own audio, taken with the 32 samples of the clip either side that the 64-sample
        // STFT windows of the crop's frames reach (frames 2..4 of that stretch are the crop's 0..2).
        if (start >= 32 && start + 48 + 32 <= audio[clip]!.length) {
          const own = melFrames(audio[clip]!.subarray(start - 32, start + 48 + 32), MEL).data
          expect(local).toEqual(own.subarray(2 * 6, 5 * 6))
          compared++
        }
        crops++
      }
    }
    expect(crops).toBe(make().cropsPerEpoch)
    expect(compared).toBeGreaterThan(0)
  })

  it('a cache smaller than one clip\'s frames recomputes them: the same batches', async () => {
    const collectAll = async (b: WavenetBatches) => {
      const out: WavenetBatch[] = []
      for await (const x of b.epoch(2)) out.push(x)
      return out
    }
    const small = new WavenetBatches({ clips, load: async (i) => audio[i]!, receptiveField: RF, targets: N, batch: 3, seed: 5, mel: MEL, melCacheBytes: 100 })
    expect(await collectAll(small)).toEqual(await collectAll(make()))
  })

  it('refuses crops whose input is not whole frames, in one line', () => {
    expect(() => make(N + 1)).toThrow(/^crops of 50 samples give 49 input samples, not whole 16-sample mel frames/)
  })
})
