import { stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { writeWav } from '../audio/wav'
import type { StylizeOptions, StylizeReport } from '../engine/style/types'
import { resolveDataDir } from '../library/data-dir'
import type { JobProgress } from '../jobs/protocol'
import { UserError } from '../util/errors'
import { getJobPool } from './jobs'

/** One render: two input files, where to write the output (default: the data dir's renders/), options. */
export interface RenderRequest {
  contentPath: string
  stylePath: string
  outPath?: string
  options: StylizeOptions
  /** Library of the activation method's tagger or the wavenet method's WaveNet (default: EB_DATA_DIR, else the app-data folder). */
  dataDir?: string
}

/** A finished render: where the WAV is and what it measured. */
export interface RenderResult {
  outPath: string
  report: StylizeReport
}

/** Hooks of a render: progress events and cancellation. */
export interface RenderHooks {
  onProgress?(p: JobProgress): void
  signal?: AbortSignal
  /** Called once the job has an id (so callers can cancel it through the pool). */
  onJobId?(id: string): void
}

/**
 * Renders one style transfer through the job pool (the same path for CLI, app and web host):
 * the worker decodes and stylises, this side writes the 16-bit WAV atomically.
 */
export async function renderStyle(req: RenderRequest, hooks: RenderHooks = {}): Promise<RenderResult> {
  await assertReadableFile(req.contentPath, 'content')
  await assertReadableFile(req.stylePath, 'style')
  const outPath = req.outPath ?? defaultOutPath(req)
  if (extname(outPath).toLowerCase() !== '.wav') throw new UserError(`${outPath}: output must be a .wav file`)
  const job = getJobPool().run(
    'stylize',
    {
      contentPath: req.contentPath,
      stylePath: req.stylePath,
      options: req.options,
      ...((req.options.method === 'activation' || req.options.method === 'wavenet') && { dataDir: resolveDataDir(req.dataDir) })
    },
    { ...(hooks.onProgress && { onProgress: hooks.onProgress }), ...(hooks.signal && { signal: hooks.signal }) }
  )
  hooks.onJobId?.(job.id)
  const result = await job.result
  await writeWav(outPath, [result.audio], result.sampleRate, { float: false })
  return { outPath, report: result.report }
}

async function assertReadableFile(path: string, what: string): Promise<void> {
  const info = await stat(path).catch(() => null)
  if (info === null) throw new UserError(`${path}: ${what} file does not exist`)
  if (!info.isFile()) throw new UserError(`${path}: ${what} is not a file`)
}

function defaultOutPath(req: RenderRequest): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const name = `${basename(req.contentPath, extname(req.contentPath))}-${req.options.method ?? 'texture'}-${stamp}.wav`
  return join(resolveDataDir(), 'renders', name)
}
