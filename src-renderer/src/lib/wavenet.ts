/** WaveNet panels' maths: training and generation requests from the fields, what is wrong with them, and labels. */
import type {
  GenerateRequest,
  ModelSummary,
  RunSummary,
  SpeakerInfo,
  TrainingDataset,
  WavenetCondition,
  WavenetPreset,
  WavenetTrainingOutcome,
  WavenetTrainingRequest
} from '../../../src-preload/api'

/** What the WaveNet training fields hold (numbers may be anything a user types). */
export interface WavenetSettings {
  datasetId: number | null
  preset: WavenetPreset
  condition: WavenetCondition
  /** Speaker codes ticked, in the dataset's order; none ticked trains on all of them. */
  speakers: string[]
  epochs: number
  /** 0 or empty: no time limit. */
  maxMinutes: number | null
}

/** The starting values: the tiny preset (seconds an epoch), speaker conditioning, every speaker. */
export function defaultWavenetSettings(): WavenetSettings {
  return { datasetId: null, preset: 'tiny', condition: 'speaker', speakers: [], epochs: 2, maxMinutes: null }
}

const wholeIn = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi

/** Why the settings cannot start a run (the first problem, in the panel's words), or null. Same bounds as the host's schema. */
export function wavenetSettingsProblem(s: WavenetSettings): string | null {
  if (s.datasetId === null) return 'Import a VCTK-format dataset first (npm run cli -- import-vctk DIR)'
  if (!wholeIn(s.epochs, 1, 1000)) return 'Epochs: a whole number from 1 to 1000'
  if (s.maxMinutes !== null && !(Number.isFinite(s.maxMinutes) && s.maxMinutes >= 0 && s.maxMinutes <= 7 * 24 * 60)) return 'Max minutes: empty, or up to a week'
  return null
}

/** The request for valid settings: speakers only when some are ticked and the model is conditioned on them. */
export function wavenetTrainingRequest(s: WavenetSettings & { datasetId: number }): WavenetTrainingRequest {
  const bySpeaker = s.condition === 'speaker' || s.condition === 'speaker+mel'
  return {
    family: 'wavenet',
    datasetId: s.datasetId,
    preset: s.preset,
    condition: s.condition,
    epochs: s.epochs,
    ...(bySpeaker && s.speakers.length > 0 && { speakers: [...s.speakers] }),
    ...(s.maxMinutes !== null && s.maxMinutes > 0 && { maxMinutes: s.maxMinutes })
  }
}

/** The datasets a family trains on: MagnaTagATune for taggers, VCTK-format for WaveNet. */
export function datasetsFor(family: 'tagger' | 'wavenet', all: readonly TrainingDataset[]): TrainingDataset[] {
  return all.filter((d) => d.kind === (family === 'tagger' ? 'mtat' : 'vctk'))
}

/** Ticks or unticks a speaker, keeping the dataset's order (the one-hot order of the model). */
export function toggleSpeaker(ticked: readonly string[], code: string, order: readonly SpeakerInfo[]): string[] {
  const next = new Set(ticked)
  if (next.has(code)) next.delete(code)
  else next.add(code)
  return order.map((s) => s.code).filter((c) => next.has(c))
}

/** "p225 · F · English": a speaker as the pickers show it (what the library knows of them). */
export function speakerLabel(s: SpeakerInfo): string {
  return [s.code, s.gender, s.accent].filter((v) => v !== null && v !== '').join(' · ')
}

/** True for a model generate can use: a WaveNet with at least one checkpoint. */
export function canGenerate(m: ModelSummary): boolean {
  return m.kind.startsWith('wavenet/') && m.runs.some((r) => r.checkpoints.length > 0)
}

/** ln 2: nats per bit. */
const LN2 = Math.log(2)

/** A cross-entropy in the unit asked for: nats per sample as logged, or bits (÷ ln 2). */
export function inUnit(nats: number, unit: 'nats' | 'bits'): number {
  return unit === 'bits' ? nats / LN2 : nats
}

/** "4.12 nats/sample (5.95 bits)"; an em dash when there is no figure. */
export function nllLabel(nats: number | null | undefined): string {
  if (nats === null || nats === undefined || !Number.isFinite(nats)) return '—'
  return `${nats.toFixed(3)} nats/sample (${inUnit(nats, 'bits').toFixed(2)} bits)`
}

/** "17 samples (2.1 ms)": a receptive field at the model's rate. */
export function receptiveFieldLabel(samples: number | null, rate: number | null): string {
  if (samples === null) return '—'
  return rate !== null && rate > 0 ? `${samples} samples (${((samples / rate) * 1000).toFixed(1)} ms)` : `${samples} samples`
}

/** "4,213 samples/s · 0.26× realtime"; empty before the first figure. */
export function rateLabel(samplesPerSecond: number | undefined, realtimeFactor: number | undefined): string {
  if (samplesPerSecond === undefined || !Number.isFinite(samplesPerSecond)) return ''
  const sps = `${Math.round(samplesPerSecond).toLocaleString('en-US')} samples/s`
  return realtimeFactor === undefined || !Number.isFinite(realtimeFactor) ? sps : `${sps} · ${realtimeFactor.toFixed(2)}× realtime`
}

/** The status line when a WaveNet run finishes: receptive field, validation NLL and the best checkpoint. */
export function wavenetSummary(t: Pick<WavenetTrainingOutcome, 'runId' | 'epochs' | 'reason' | 'receptiveField' | 'validNll' | 'checkpointId'>): string {
  const why = t.reason === 'early-stopping' ? ' (stopped early: no lower validation NLL for a few epochs)' : t.reason === 'time' ? ' (stopped at the time limit)' : ''
  return `WaveNet trained: run ${t.runId}, ${t.epochs} epoch${t.epochs === 1 ? '' : 's'}${why}, receptive field ${t.receptiveField} samples, valid NLL ${nllLabel(t.validNll)}, best checkpoint ${t.checkpointId}`
}

/** What the generate fields hold. */
export interface GenerateSettings {
  modelId: number | null
  /** A speaker code of the model ('' for an unconditioned model). */
  speaker: string
  seconds: number
  temperature: number
  seed: number
  /** A mel-conditioned model's recording to resynthesise ('' none). */
  melPath: string
}

/** One second at temperature 1 (the model's own distribution), seed 0. */
export function defaultGenerateSettings(): GenerateSettings {
  return { modelId: null, speaker: '', seconds: 1, temperature: 1, seed: 0, melPath: '' }
}

/** Why the fields cannot generate (the panel's words), or null; the service checks the same bounds again. */
export function generateProblem(s: GenerateSettings, model: ModelSummary | undefined): string | null {
  if (!model) return 'Train a WaveNet first (the Training panel, top bar, family WaveNet)'
  if (!canGenerate(model)) return `Model ${model.id} has no checkpoint yet`
  if (model.melBands !== null && s.melPath === '') return 'Pick a clip: its log-mel frames condition this model'
  // A mel-conditioned model generates as long as its clip: seconds are not used.
  if (model.melBands === null && !(s.seconds > 0 && s.seconds <= 600)) return 'Seconds: above 0, at most 600'
  if (!(s.temperature > 0)) return 'Temperature: above 0 (1 samples the model, lower is more conservative)'
  if (!(Number.isInteger(s.seed) && s.seed >= 0)) return 'Seed: a whole number from 0'
  if (model.speakers.length > 0 && !model.speakers.some((sp) => sp.code === s.speaker)) return 'Pick one of the speakers the model was trained with'
  return null
}

/** The request for valid fields (a speaker only for a speaker-conditioned model, a clip only for a mel-conditioned one). */
export function generateRequest(s: GenerateSettings & { modelId: number }, model: ModelSummary): GenerateRequest {
  return {
    modelId: s.modelId,
    seconds: s.seconds,
    temperature: s.temperature,
    seed: s.seed,
    ...(model.speakers.length > 0 && { speaker: s.speaker }),
    ...(model.melBands !== null && { melPath: s.melPath })
  }
}

/** The speaker to show when a model is picked: the one already chosen if the model has it, else its first. */
export function speakerFor(model: ModelSummary | undefined, current: string): string {
  if (!model || model.speakers.length === 0) return ''
  return model.speakers.some((s) => s.code === current) ? current : model.speakers[0]!.code
}

/** The checkpoint generate uses by default: the run's lowest validation NLL (null when none is scored). */
export function bestCheckpointId(run: Pick<RunSummary, 'checkpoints'>): number | null {
  let best: RunSummary['checkpoints'][number] | undefined
  for (const c of run.checkpoints) if (c.validNll !== null && (best === undefined || c.validNll < best.validNll!)) best = c
  return best?.id ?? null
}

/** A WaveNet run's figures as the training panel shows them once it has a checkpoint. */
export function runFigures(model: Pick<ModelSummary, 'receptiveField' | 'sampleRate'>, run: Pick<RunSummary, 'bestValidNll' | 'checkpoints'>): { receptiveField: string; validNll: string; checkpoint: string } {
  const best = bestCheckpointId(run)
  return { receptiveField: receptiveFieldLabel(model.receptiveField, model.sampleRate), validNll: nllLabel(run.bestValidNll), checkpoint: best === null ? '—' : String(best) }
}

/** A WaveNet's line in the model list: "wavenet/mulaw · 4 speakers · mel 80 · 8000 Hz · RF 17". */
export function modelMeta(m: Pick<ModelSummary, 'kind' | 'speakers' | 'sampleRate' | 'receptiveField' | 'melBands'>): string {
  const speakers = m.speakers.length > 0 ? `${m.speakers.length} speaker${m.speakers.length === 1 ? '' : 's'}` : m.melBands === null ? 'unconditioned' : null
  return [m.kind, speakers, m.melBands === null ? null : `mel ${m.melBands}`, m.sampleRate === null ? null : `${m.sampleRate} Hz`, m.receptiveField === null ? null : `RF ${m.receptiveField}`]
    .filter((v) => v !== null)
    .join(' · ')
}
