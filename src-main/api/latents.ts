/**
 * The latent explorer's service over a trained audio VLAE, one behaviour for every door (the CLI's
 * `latent`, the app's explorer over IPC and the web host): encode a clip to its code, draw a code
 * from the prior, interpolate two codes, and decode a code (adjusted per dimension, z * scale + bias)
 * to audio with fast generation in a job-pool worker (`latentCode` and `decodeLatent` jobs). The
 * request's figures are checked here, the model's (kind, checkpoint, z's size) in the job.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { LatentCode, LatentDecodeRequest } from '../../src-preload/api'
import type { JobProgress } from '../jobs/protocol'
import type { DecodeLatentResult, LatentCodeResult } from '../jobs/latent-jobs'
import { resolveDataDir } from '../library/data-dir'
import { writeFileAtomic } from '../util/atomic-write'
import { UserError } from '../util/errors'
import { adjustLatent, parseLatentCode } from './latent-code'
import { getJobPool } from './jobs'
import type { TrainHooks } from './training'
import { generationRate, MAX_GENERATE_SECONDS } from './wavenet-generation'

export { interpolateCodes as interpolateLatents } from './latent-code'

/** A decode request: the contract's (less the caller's job id), the WAV to write (atomically) and the data dir. */
export type DecodeLatentRequest = Omit<LatentDecodeRequest, 'jobId'> & { out: string; dataDir?: string }

/** What a decode gave: the job's figures, the z decoded, and the whole call's wall time. */
export interface DecodedLatent extends DecodeLatentResult {
  z: number[]
  /** Request to file written, including the worker's model load. */
  wallMs: number
  /** Seconds of audio per second of wallMs. */
  xRealtime: number
}

/** The contract's code of a job's result: `source` names where it came from. */
function codeOf(r: LatentCodeResult, source: string): LatentCode {
  return { modelId: r.modelId, checkpointId: r.checkpointId, model: r.model, z: r.z, sigma: r.sigma, source, sampleRate: r.sampleRate }
}

/**
 * The latent code of the audio file `path` under VLAE `modelId` (its newest checkpoint): every whole
 * crop-length window of the silence-trimmed clip is encoded and the posterior means averaged; sigma
 * pools the windows' posteriors (the root of their mean variance). Refuses in one line a model that
 * is not a VLAE, a checkpoint of another configuration, and a clip shorter than one crop.
 */
export async function encodeLatent(req: { modelId: number; path: string; dataDir?: string }, hooks: TrainHooks = {}): Promise<LatentCode> {
  const job = getJobPool().run('latentCode', { dataDir: resolveDataDir(req.dataDir), modelId: req.modelId, path: resolve(req.path) }, poolHooks(hooks))
  hooks.onJobId?.(job.id)
  return codeOf(await job.result, req.path)
}

/** A seeded draw (seed: a whole number >= 0, 0 by default) from the standard-normal prior of VLAE `modelId`. */
export async function sampleLatent(req: { modelId: number; seed?: number; dataDir?: string }, hooks: TrainHooks = {}): Promise<LatentCode> {
  checkSeed(req.seed, 'seed')
  const job = getJobPool().run('latentCode', { dataDir: resolveDataDir(req.dataDir), modelId: req.modelId, ...(req.seed !== undefined && { seed: req.seed }) }, poolHooks(hooks))
  hooks.onJobId?.(job.id)
  return codeOf(await job.result, 'prior')
}

/**
 * Decodes z' = z * scale + bias of `code` (its own checkpoint) to `seconds` of audio with fast
 * generation, written to `out` as a 16-bit WAV at the model's rate. `flag` prefixes names in refusals
 * ('--' for the CLI). Refuses in one line: a z, bias or scale of the wrong size, with non-finite
 * values or outside its sanity range (z and z' within ±50, bias ±50, scale ±10: latent-bounds.ts), seconds outside 0..600, a temperature of 0 or below, a seed that is not a whole number
 * >= 0, and the job's checks (not a VLAE, a checkpoint of another configuration). Progress carries
 * samplesPerSecond and realtimeFactor in `metrics`.
 */
export async function decodeLatent(req: DecodeLatentRequest, hooks: TrainHooks = {}, flag = ''): Promise<DecodedLatent> {
  const started = performance.now()
  const z = adjustLatent(req.code.z, { ...(req.bias && { bias: req.bias }), ...(req.scale && { scale: req.scale }) })
  if (!(req.seconds > 0 && req.seconds <= MAX_GENERATE_SECONDS)) throw new UserError(`${flag}seconds ${req.seconds}: not in 0..${MAX_GENERATE_SECONDS} (above 0)`)
  const temperature = req.temperature ?? 1
  if (!(temperature > 0 && Number.isFinite(temperature))) throw new UserError(`${flag}temperature ${temperature}: must be above 0 (1 samples the model's distribution, lower is more conservative)`)
  checkSeed(req.seed, `${flag}seed`)
  let firstStep: number | undefined
  const job = getJobPool().run(
    'decodeLatent',
    { dataDir: resolveDataDir(req.dataDir), modelId: req.code.modelId, checkpointId: req.code.checkpointId, z, seconds: req.seconds, temperature, seed: req.seed ?? 0, out: resolve(req.out) },
    poolHooks({
      ...hooks,
      onProgress: (p) => {
        // The clock starts at the job's step 0, after the model is loaded: the rate is generation's alone.
        firstStep ??= performance.now()
        const rate = generationRate({ step: p.step, total: p.total, streams: 1, elapsedMs: performance.now() - firstStep, seconds: req.seconds })
        hooks.onProgress?.(rate ? { ...p, metrics: { ...p.metrics, ...rate } } : p)
      }
    })
  )
  hooks.onJobId?.(job.id)
  const r = await job.result
  const wallMs = performance.now() - started
  return { ...r, z, wallMs, xRealtime: r.samples / r.sampleRate / (wallMs / 1000) }
}

/** Reads a code file (JSON) written by `latent encode/sample/interpolate`; a file of another shape is refused naming it. */
export async function readLatentCode(path: string): Promise<LatentCode> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UserError(`${path}: cannot read (${err.code === 'ENOENT' ? 'no such file' : err.code ?? err.message})`)
  })
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new UserError(`${path}: not a latent code (not JSON)`)
  }
  return parseLatentCode(value, path)
}

/** Writes a code as JSON, atomically. */
export async function writeLatentCode(path: string, code: LatentCode): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(code, null, 2)}\n`)
}

function checkSeed(seed: number | undefined, what: string): void {
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 2 ** 32 - 1)) throw new UserError(`${what} ${seed}: not a whole number in 0..${2 ** 32 - 1}`)
}

/** The pool's hooks of a request's hooks. */
function poolHooks(hooks: TrainHooks): { onProgress?: (p: JobProgress) => void; signal?: AbortSignal } {
  return { ...(hooks.onProgress && { onProgress: hooks.onProgress }), ...(hooks.signal && { signal: hooks.signal }) }
}
