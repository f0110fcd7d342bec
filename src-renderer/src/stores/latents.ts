import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef, watch } from 'vue'
import type { AudioData, AudioRef, JobProgress, LatentCode, LatentDecodeOutput } from '../../../src-preload/api'
import { useApi } from '../api/client'
import { BIAS_RANGE, DEFAULT_DECODE, SCALE_RANGE, canExplore, codeLabel, decodeProblem, decodeRequest, dimensionRows, modelKlDims } from '../lib/latents'
import { auditionSlot } from './audition-slot'
import type { GenerateJobView } from './generate'
import { applyProgress, cancelFollowed } from './job-view'
import { useTrainingStore } from './training'
import { useTracksStore } from './tracks'

/** The two encoded clips interpolation runs between. */
export type CodeSlot = 'a' | 'b'

/** What the explorer shows about the current (or last) decode: a generation's view, with the decode's output. */
export interface DecodeJobView extends Omit<GenerateJobView, 'output'> {
  output?: LatentDecodeOutput
  /** The job's phase ('decode' once its model is loaded); absent before its first progress. */
  phase?: string
  /** Cancel was asked for: the decode call's rejection is the cancel, not a failure. */
  cancelling?: boolean
}

/** What plays in the explorer: the clip the code came from, or its decode. */
export type Listening = 'source' | 'decoded'

/**
 * The latent explorer over a trained audio VLAE: encode clips into slots A and B, sample the prior,
 * interpolate A to B, move each dimension (bias and scale), decode with fast generation (progress
 * followed under a job id it picks), listen and A/B the decode against its source at the same
 * position, and put the decode on the timeline. Models come from the training store's list.
 */
export const useLatentsStore = defineStore('latents', () => {
  const training = useTrainingStore()
  const tracks = useTracksStore()
  const open = ref(false)
  const modelId = ref<number | null>(null)
  /** Files imported from the explorer (beside the timeline's clips). */
  const imported = ref<AudioRef[]>([])
  const sourcePath = ref('')
  const slots = reactive<Record<CodeSlot, LatentCode | null>>({ a: null, b: null })
  const t = ref(0.5)
  /** The code the sliders move and decode decodes, and a word on where it came from. */
  const code = shallowRef<LatentCode | null>(null)
  const codeFrom = ref('')
  const bias = ref<number[]>([])
  const scale = ref<number[]>([])
  const settings = reactive({ ...DEFAULT_DECODE })
  const busy = ref<null | 'encode' | 'sample' | 'interpolate' | 'import'>(null)
  const job = ref<DecodeJobView | null>(null)
  const error = ref<string | null>(null)
  const { auditioner, playingId: listening, attach, stop: stopAudition } = auditionSlot<Listening>()
  /** Decoded audio by path, fetched once for listening. */
  const audio = new Map<string, AudioData>()
  let seq = 0

  const models = computed(() => training.models.filter(canExplore))
  const model = computed(() => models.value.find((m) => m.id === modelId.value))
  const modelKl = computed(() => (model.value ? modelKlDims(model.value) : null))
  const rows = computed(() => (code.value ? dimensionRows(code.value, bias.value, scale.value, modelKl.value) : []))
  const running = computed(() => job.value?.status === 'running')
  const problem = computed(() => decodeProblem(code.value, settings, bias.value, scale.value))
  /** Clips the explorer can encode: the timeline's, then the files imported here. */
  const sources = computed(() => {
    const onTimeline = tracks.tracks.flatMap((tr) => tr.clips.map((c) => ({ path: c.path, label: `${tr.name}: ${c.name}` })))
    const seen = new Set(onTimeline.map((s) => s.path))
    return [...onTimeline, ...imported.value.filter((r) => !seen.has(r.path)).map((r) => ({ path: r.path, label: `imported: ${r.name}` }))]
  })
  /** The recording the decode is A/B'd against: the code's own clip, else slot A's, else the chosen clip. */
  const abSource = computed(() => {
    const fromClip = (c: LatentCode | null): string | null => (c && c.source !== 'prior' && c.source !== 'interpolation' ? c.source : null)
    return fromClip(code.value) ?? fromClip(slots.a) ?? (sourcePath.value || null)
  })

  // A model that went away (or none chosen yet) gives way to the newest; codes of another model are dropped.
  watch(
    models,
    (list) => {
      if (!list.some((m) => m.id === modelId.value)) modelId.value = list[0]?.id ?? null
    },
    { immediate: true }
  )
  watch(modelId, () => {
    slots.a = slots.b = null
    setCode(null, '')
  })
  watch(
    sources,
    (list) => {
      if (!list.some((s) => s.path === sourcePath.value)) sourcePath.value = list[0]?.path ?? ''
    },
    { immediate: true }
  )

  function fail(err: unknown): void {
    error.value = err instanceof Error ? err.message : String(err)
  }

  /** Makes `next` the current code; the sliders reset when its width differs from the last one's. */
  function setCode(next: LatentCode | null, from: string): void {
    const width = next?.z.length ?? 0
    if (width !== bias.value.length) {
      bias.value = new Array<number>(width).fill(0)
      scale.value = new Array<number>(width).fill(1)
    }
    code.value = next
    codeFrom.value = from
  }

  /** Runs one request of the explorer: busy while it runs, its refusal in `error` (one line). */
  async function step<T>(what: NonNullable<typeof busy.value>, fn: () => Promise<T>): Promise<T | undefined> {
    busy.value = what
    error.value = null
    try {
      return await fn()
    } catch (err) {
      fail(err)
      return undefined
    } finally {
      busy.value = null
    }
  }

  /** Encodes the chosen clip into `slot` and makes it the current code. */
  async function encode(slot: CodeSlot): Promise<void> {
    const m = model.value
    const path = sourcePath.value
    if (!m || !path) return
    const c = await step('encode', () => useApi().encodeLatent({ modelId: m.id, path }))
    if (!c) return
    slots[slot] = c
    setCode(c, `${slot.toUpperCase()}: ${codeLabel(c)}`)
  }

  /** Makes slot A or B the current code again. */
  function use(slot: CodeSlot): void {
    const c = slots[slot]
    if (c) setCode(c, `${slot.toUpperCase()}: ${codeLabel(c)}`)
  }

  /** A draw from the model's prior with `seed`. */
  async function sample(seed: number): Promise<void> {
    const m = model.value
    if (!m) return
    const c = await step('sample', () => useApi().sampleLatent({ modelId: m.id, seed }))
    if (c) setCode(c, codeLabel(c, `seed ${seed}`))
  }

  /** (1 − t) A + t B as the current code; the service refuses codes of different models or checkpoints. */
  async function interpolate(): Promise<void> {
    const { a, b } = slots
    if (!a || !b) return
    const at = t.value
    const c = await step('interpolate', () => useApi().interpolateLatents({ a, b, t: at }))
    if (c) setCode(c, codeLabel(c, `A→B t = ${at.toFixed(2)}`))
  }

  // A value off the slider's range (a stray call) is ignored, as the slider itself would clamp it.
  function setBias(j: number, v: number): void {
    if (j >= 0 && j < bias.value.length && v >= BIAS_RANGE.min && v <= BIAS_RANGE.max) bias.value = bias.value.map((x, i) => (i === j ? v : x))
  }
  function setScale(j: number, v: number): void {
    if (j >= 0 && j < scale.value.length && v >= SCALE_RANGE.min && v <= SCALE_RANGE.max) scale.value = scale.value.map((x, i) => (i === j ? v : x))
  }
  /** Every dimension back to the code's own value. */
  function resetAdjust(): void {
    bias.value = bias.value.map(() => 0)
    scale.value = scale.value.map(() => 1)
  }

  /** Uploads a file (the browser's file input) as a clip to encode. */
  async function importSource(file: File): Promise<void> {
    const ref = await step('import', async () => useApi().importAudio({ name: file.name, data: await file.arrayBuffer() }))
    if (!ref) return
    imported.value = [...imported.value.filter((r) => r.path !== ref.path), ref]
    sourcePath.value = ref.path
  }

  /** Decodes the current code with the sliders' adjustments; progress is followed under an id of ours. */
  async function decode(): Promise<void> {
    const c = code.value
    if (!c || problem.value !== null || running.value) return
    error.value = null
    // Unique in its first 8 characters: the service names the WAV after them.
    const jobId = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36).slice(-6)}${(++seq).toString(36).padStart(2, '0')}-latent`
    const request = decodeRequest(c, bias.value, scale.value, settings, jobId)
    job.value = { jobId, status: 'running', step: 0, total: 0 }
    const off = useApi().on('jobProgress', progress)
    try {
      const output = await useApi().decodeLatent(request)
      const j = job.value
      if (j?.jobId !== jobId) return
      Object.assign(j, { status: 'done', output, samplesPerSecond: output.samplesPerSecond, realtimeFactor: output.xRealtime, etaMs: undefined })
      j.step = j.total = Math.max(j.total, 1)
    } catch (err) {
      const j = job.value
      if (j?.jobId !== jobId) return
      j.status = j.cancelling ? 'cancelled' : 'failed'
      if (j.status === 'failed') j.error = err instanceof Error ? err.message : String(err)
      j.etaMs = undefined
    } finally {
      off()
    }
  }

  /** Applies a progress event of our decode (others' are ignored). */
  function progress(p: JobProgress): void {
    const j = job.value
    if (!applyProgress(j, p)) return
    if (p.phase !== undefined) j.phase = p.phase
    if (p.metrics?.samplesPerSecond !== undefined) j.samplesPerSecond = p.metrics.samplesPerSecond
    if (p.metrics?.realtimeFactor !== undefined) j.realtimeFactor = p.metrics.realtimeFactor
  }

  async function cancel(): Promise<void> {
    const j = job.value
    if (!j || j.status !== 'running') return
    j.cancelling = true
    await cancelFollowed(j, fail)
  }

  async function load(path: string): Promise<AudioData> {
    const have = audio.get(path)
    if (have) return have
    const data = await useApi().loadAudio({ path })
    audio.set(path, data)
    return data
  }

  /** Plays the decode or its source (again: stops it); playing the other one starts where this one is (A/B). */
  async function listen(which: Listening): Promise<void> {
    const player = auditioner.value
    const path = which === 'decoded' ? job.value?.output?.audio.path : abSource.value
    if (!player || !path) return
    if (listening.value === which) return stopAudition()
    const at = listening.value !== null ? player.position?.() ?? 0 : 0
    try {
      const data = await load(path)
      await player.play(
        data,
        () => {
          if (listening.value === which) listening.value = null
        },
        at
      )
      listening.value = which
    } catch (err) {
      fail(err)
    }
  }

  /** Switches what plays between the decode and its source, at the same position. */
  async function abSwitch(): Promise<void> {
    await listen(listening.value === 'decoded' ? 'source' : 'decoded')
  }

  /** Puts the finished decode on the timeline as an output track ("latent 3 #2"); returns the track id. */
  function addToTimeline(): string | null {
    const o = job.value?.output
    const c = code.value
    if (!o) return null
    return tracks.addGenerated(o.audio, `latent ${c?.modelId ?? ''}`.trim())
  }

  function toggle(): void {
    open.value = !open.value
  }

  function $reset(): void {
    stopAudition()
    attach(null)
    audio.clear()
    open.value = false
    imported.value = []
    slots.a = slots.b = null
    t.value = 0.5
    setCode(null, '')
    Object.assign(settings, DEFAULT_DECODE)
    busy.value = null
    job.value = null
    error.value = null
  }

  return {
    open,
    modelId,
    models,
    model,
    modelKl,
    sources,
    sourcePath,
    slots,
    t,
    code,
    codeFrom,
    bias,
    scale,
    rows,
    settings,
    busy,
    job,
    error,
    running,
    problem,
    listening,
    abSource,
    attach,
    encode,
    use,
    sample,
    interpolate,
    setBias,
    setScale,
    resetAdjust,
    importSource,
    decode,
    progress,
    cancel,
    listen,
    abSwitch,
    addToTimeline,
    toggle,
    $reset
  }
})
