import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AudioData, JobProgress, LatentCode, LatentDecodeOutput, LatentDecodeRequest, ModelSummary } from '../../../src-preload/api'
import type { Auditioner } from '../../../src-renderer/src/audio/audition'
import { useLatentsStore } from '../../../src-renderer/src/stores/latents'
import { useTrainingStore } from '../../../src-renderer/src/stores/training'
import { useTracksStore } from '../../../src-renderer/src/stores/tracks'
import { installFakeApi, type FakeApi } from './fake-api'
import { latentCode, vlaeCheckpoint, vlaeModel } from './latent-fixtures'

let fake: FakeApi = {}
const calls = installFakeApi(() => fake)
let progressListener: ((p: JobProgress) => void) | null = null

const code = (over: Partial<LatentCode> = {}): LatentCode => latentCode({ z: [0.5, -1], sigma: [1, 0.5], source: '/d/clip.wav', ...over })
const vlae = (id: number): ModelSummary => vlaeModel({ id, latents: 2 }, [vlaeCheckpoint(7, 4, { kl_0: 1.5, kl_1: 0.001 })])
const output = (): LatentDecodeOutput => ({ audio: { path: '/d/generated/latent-3-x.wav', name: 'latent-3-x.wav', duration: 2, sampleRate: 8000, channels: 1 }, z: [0.5, -1], wallMs: 1500, samplesPerSecond: 20000, xRealtime: 1.33 })
const data = (): AudioData => ({ sampleRate: 8000, channels: [new Float32Array(16000)] })

/** A player that records what it was asked to play, and says where it is. */
class FakePlayer implements Auditioner {
  played: { length: number; offset: number | undefined }[] = []
  at = 0
  async play(audio: AudioData, _onEnd: () => void, offset?: number): Promise<void> {
    this.played.push({ length: audio.channels[0]!.length, offset })
  }
  position(): number {
    return this.at
  }
  stop(): void {}
  dispose(): void {}
}

function setup(): ReturnType<typeof useLatentsStore> {
  const training = useTrainingStore()
  training.models = [vlae(3)]
  const tracks = useTracksStore()
  tracks.setClip('content', { path: '/d/clip.wav', name: 'clip.wav', duration: 1, sampleRate: 8000, channels: 1 })
  return useLatentsStore()
}

beforeEach(() => {
  setActivePinia(createPinia())
  calls.length = 0
  progressListener = null
  fake = {
    on: ((event: string, listener: (p: JobProgress) => void) => {
      if (event === 'jobProgress') progressListener = listener
      return () => (progressListener = null)
    }) as never,
    encodeLatent: async () => code(),
    sampleLatent: async () => code({ sigma: null, source: 'prior', z: [0.1, 0.2] }),
    interpolateLatents: async () => code({ sigma: null, source: 'interpolation', z: [0, 0] }),
    loadAudio: async () => data()
  }
})

describe('latents store', () => {
  it('picks the VLAE and the timeline clip, encodes into A with sliders at rest and the model KL per dimension', async () => {
    const lat = setup()
    expect(lat.modelId).toBe(3)
    expect(lat.sourcePath).toBe('/d/clip.wav')
    await lat.encode('a')
    expect(calls.find((c) => c.method === 'encodeLatent')?.req).toEqual({ modelId: 3, path: '/d/clip.wav' })
    expect(lat.slots.a?.z).toEqual([0.5, -1])
    expect(lat.codeFrom).toBe('A: clip.wav')
    expect(lat.bias).toEqual([0, 0])
    expect(lat.scale).toEqual([1, 1])
    expect(lat.rows.map((r) => [r.modelKl, r.collapsed])).toEqual([
      [1.5, false],
      [0.001, true]
    ])
  })

  it('interpolates A to B at t, samples the prior, and shows the service line on a refusal', async () => {
    const lat = setup()
    await lat.encode('a')
    await lat.encode('b')
    lat.t = 0.25
    await lat.interpolate()
    expect(calls.find((c) => c.method === 'interpolateLatents')?.req).toMatchObject({ t: 0.25 })
    expect(lat.codeFrom).toBe('interpolation (A→B t = 0.25)')
    await lat.sample(4)
    expect(calls.find((c) => c.method === 'sampleLatent')?.req).toEqual({ modelId: 3, seed: 4 })
    expect(lat.code?.source).toBe('prior')
    fake.interpolateLatents = async () => {
      throw new Error('interpolation: the codes come from different models (3 and 4); encode both clips with one model')
    }
    await lat.interpolate()
    expect(lat.error).toBe('interpolation: the codes come from different models (3 and 4); encode both clips with one model')
    expect(lat.busy).toBeNull()
  })

  it('decodes with the moved sliders, follows progress under its own id, then adds the decode to the timeline', async () => {
    const lat = setup()
    await lat.encode('a')
    lat.setBias(1, 0.5)
    lat.setScale(0, 2)
    lat.setBias(9, 1)
    // Off the sliders' ranges (a stray call): ignored, as a slider would never send it.
    lat.setBias(0, 1e9)
    lat.setScale(1, -1e9)
    let release: (o: LatentDecodeOutput) => void = () => {}
    fake.decodeLatent = ((req: LatentDecodeRequest) => {
      expect(req).toMatchObject({ bias: [0, 0.5], scale: [2, 1], seconds: 2, temperature: 1, seed: 0 })
      return new Promise<LatentDecodeOutput>((r) => (release = r))
    }) as never
    const done = lat.decode()
    const jobId = lat.job!.jobId
    expect((calls.find((c) => c.method === 'decodeLatent')?.req as LatentDecodeRequest).jobId).toBe(jobId)
    progressListener!({ jobId: 'other', step: 9, total: 10 })
    expect(lat.job?.phase).toBeUndefined()
    progressListener!({ jobId, step: 4000, total: 16000, phase: 'decode', metrics: { samplesPerSecond: 20000, realtimeFactor: 2.5 } })
    expect(lat.job).toMatchObject({ status: 'running', step: 4000, total: 16000, phase: 'decode', realtimeFactor: 2.5 })
    release(output())
    await done
    expect(lat.job).toMatchObject({ status: 'done', step: 16000, realtimeFactor: 1.33, output: { wallMs: 1500 } })
    expect(progressListener).toBeNull()
    const id = lat.addToTimeline()
    expect(useTracksStore().tracks.find((t) => t.id === id)?.name).toBe('latent 3 #1')
  })

  it('keeps a refused decode in one line, and a cancelled one as cancelled', async () => {
    const lat = setup()
    await lat.encode('a')
    fake.decodeLatent = async () => {
      throw new Error('latent vector: 3 values, but the model has 2 latents')
    }
    await lat.decode()
    expect(lat.job).toMatchObject({ status: 'failed', error: 'latent vector: 3 values, but the model has 2 latents' })
    let reject: (e: Error) => void = () => {}
    fake.decodeLatent = (() => new Promise((_r, j) => (reject = j))) as never
    fake.cancelJob = async () => ({ cancelled: true })
    const done = lat.decode()
    await lat.cancel()
    expect(calls.at(-1)).toEqual({ method: 'cancelJob', req: { jobId: lat.job!.jobId } })
    reject(new Error('cancelled'))
    await done
    expect(lat.job?.status).toBe('cancelled')
  })

  it('plays the decode, then A/B switches to the source at the same position', async () => {
    const lat = setup()
    const player = new FakePlayer()
    lat.attach(player)
    await lat.encode('a')
    fake.decodeLatent = async () => output()
    await lat.decode()
    await lat.listen('decoded')
    expect(lat.listening).toBe('decoded')
    player.at = 0.8
    await lat.abSwitch()
    expect(lat.listening).toBe('source')
    expect(player.played).toEqual([
      { length: 16000, offset: 0 },
      { length: 16000, offset: 0.8 }
    ])
    expect(calls.filter((c) => c.method === 'loadAudio').map((c) => c.req)).toEqual([{ path: '/d/generated/latent-3-x.wav' }, { path: '/d/clip.wav' }])
    lat.$reset()
    expect(lat.code).toBeNull()
  })
})
