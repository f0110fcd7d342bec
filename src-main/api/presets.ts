/**
 * Effect chains as first-class objects: presets in the library, and applying a chain (given, or a
 * preset's) to a file through the job pool. The same functions serve the CLI (`apply-chain`,
 * `presets`), the app's chain panel and the web host.
 */
import { randomUUID } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import type { ApplyChainRequest, ChainOutput, PresetInfo, RenderOutput, StylizeReport } from '../../src-preload/api'
import { writeWav } from '../audio/wav'
import { parseChain, type EffectChain } from '../engine/effects/chain'
import type { ApplyChainJobParams, ApplyChainJobResult } from '../jobs/apply-chain-job'
import type { JobProgress } from '../jobs/protocol'
import type { Library } from '../library/library'
import type { PresetEntry } from '../library/presets'
import { UserError, describeError } from '../util/errors'
import { writeFileAtomic } from '../util/atomic-write'
import { displayName, type AudioService } from './audio'
import { createJobControllers } from './job-controllers'
import { getJobPool } from './jobs'
import type { ProjectService } from './projects'
import type { EventHub } from './services'

/**
 * What applying a chain to a file gave: where the WAV went and what it measured. `wallMs` is all of
 * it (decode, chain, measure, write); `xRealtime` is seconds of audio per second of the chain alone.
 */
export type ChainFileResult = Omit<ApplyChainJobResult, 'channels'> & { outPath: string; xRealtime: number }

/** Hooks of a chain job: progress, cancellation, and the pool's job id once it has one. */
export interface ChainHooks {
  onProgress?(p: JobProgress): void
  signal?: AbortSignal
}

/**
 * Applies `chain` to the audio file `inPath` (any length, mono or stereo, at its own rate) in a
 * worker and writes the 16-bit WAV `outPath` atomically. With `stylePath` the output's distances to
 * that style are measured too. The output runs on past the input by the chain's tail (reverb, EQ
 * rings, down to -90 dB of its peak) unless `keepLength` cuts it at the input's length.
 */
export async function applyChainFile(
  req: { inPath: string; outPath: string; chain: EffectChain; stylePath?: string; measureInputs?: boolean; renderAs?: ApplyChainJobParams['renderAs']; keepLength?: boolean },
  hooks: ChainHooks = {}
): Promise<ChainFileResult> {
  await checkChainPaths(req.inPath, req.outPath)
  const job = getJobPool().run(
    'applyChain',
    { path: resolve(req.inPath), chain: req.chain, ...(req.renderAs && { renderAs: req.renderAs }), ...(req.keepLength === true && { keepLength: true }), ...(req.stylePath !== undefined && { stylePath: resolve(req.stylePath), measureInputs: req.measureInputs === true }) },
    { ...(hooks.onProgress && { onProgress: hooks.onProgress }), ...(hooks.signal && { signal: hooks.signal }) }
  )
  const started = Date.now()
  const { channels, ...rest } = await job.result
  await writeWav(req.outPath, channels, rest.sampleRate, { float: false })
  const wallMs = rest.wallMs + (Date.now() - started)
  return { ...rest, wallMs, outPath: req.outPath, xRealtime: rest.duration / Math.max(rest.chainMs / 1000, 1e-3) }
}

// A chain is a few hundred bytes; a file far larger than that is not one (and is not read into memory).
const MAX_CHAIN_FILE_BYTES = 1 << 20

/** Reads an effect chain from a JSON file (a preset export, or one written by hand); errors name the file. */
export async function readChainFile(path: string): Promise<EffectChain> {
  const info = await stat(path).catch(() => null)
  if (!info?.isFile()) throw new UserError(`${path}: ${info ? 'not a file' : 'chain file does not exist'}`)
  if (info.size > MAX_CHAIN_FILE_BYTES) throw new UserError(`${path}: ${info.size} bytes is too large for an effect chain`)
  let value: unknown
  try {
    value = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new UserError(`${path}: not valid JSON (${describeError(err)})`)
  }
  return parseChain(value, path)
}

/** Writes a chain as pretty JSON, atomically (what `presets export` writes and `--chain` reads). */
export async function writeChainFile(path: string, chain: EffectChain): Promise<void> {
  if (extname(path).toLowerCase() !== '.json') throw new UserError(`${path}: a chain file must end in .json`)
  try {
    await writeFileAtomic(path, `${JSON.stringify(chain, null, 2)}\n`)
  } catch (err) {
    throw new UserError(`${path}: cannot write (${describeError(err)})`)
  }
}

/** Refuses an input that is not a file and an output that is not a .wav, before any work. */
export async function checkChainPaths(inPath: string, outPath: string): Promise<void> {
  if (extname(outPath).toLowerCase() !== '.wav') throw new UserError(`${outPath}: output must be a .wav file`)
  const info = await stat(inPath).catch(() => null)
  if (!info?.isFile()) throw new UserError(`${inPath}: ${info ? 'not a file' : 'input file does not exist'}`)
}

/** A library preset as the contract lists it. */
export function presetInfo(p: PresetEntry): PresetInfo {
  return { id: p.id, name: p.name, chain: p.chain, problem: p.problem, sourceRenderId: p.sourceRenderId, createdAt: p.createdAt, updatedAt: p.updatedAt }
}

/** The fitted chain of a recorded render (what `presets save --render` and the app's "Save as preset" keep). */
export function renderChain(lib: Library, renderId: number): EffectChain {
  const r = lib.renders.get(renderId)
  if (!r) throw new UserError(`render ${renderId}: not in the library`)
  const chain = (r.params.report as StylizeReport | undefined)?.chain
  if (!chain) throw new UserError(`render ${renderId}: a ${r.method} render has no effect chain (only match renders fit one)`)
  return chain
}

/** The preset methods and applyChain, over the open library; cancel by the caller's job id. */
export interface PresetService {
  handlers: {
    listPresets(): Promise<PresetInfo[]>
    savePreset(req: { name: string; chain: EffectChain; sourceRenderId?: number }): Promise<PresetInfo>
    renamePreset(req: { id: number; name: string }): Promise<PresetInfo>
    deletePreset(req: { id: number }): Promise<{ deleted: boolean }>
    applyChain(req: ApplyChainRequest): Promise<ChainOutput>
  }
  /** Cancels a running applyChain by its job id; false when it is not one of ours. */
  cancel(jobId: string): boolean
  cancelAll(): void
}

/** Presets and chain renders for the app and the web host. */
export function createPresetService(opts: { dataDir: string; library: Library; audio: AudioService; projects: ProjectService; events: EventHub }): PresetService {
  const { library, events } = opts
  const running = createJobControllers()
  const changed = (id: number): void => events.emit('libraryChanged', { kind: 'preset', id: String(id) })
  const info = (id: number): PresetInfo => presetInfo({ ...library.presets.require(id), problem: null })

  /** The render an edit replaces: its report and inputs. */
  function sourceRender(renderId: string): { id: number; report: StylizeReport; content: string; style: string; outputPath: string } {
    const id = Number(renderId)
    const r = Number.isSafeInteger(id) ? library.renders.get(id) : undefined
    const report = r?.params.report as StylizeReport | undefined
    if (!r || !report) throw new UserError(`render ${renderId}: not in the library`)
    return { id, report, content: r.inputs.content ?? '', style: r.inputs.style ?? '', outputPath: r.outputPath }
  }

  /**
   * How an edit renders: as its source render was made, at the render's rate (a match render's 44.1
   * kHz, not the content file's) and mono when the render's output is mono, so a net-zero edit gives
   * the render's own output and keeps its baseline measures.
   */
  async function renderAsSource(source: ReturnType<typeof sourceRender>): Promise<ApplyChainJobParams['renderAs']> {
    const out = await opts.audio.describe(source.outputPath).catch(() => null)
    // A render whose file is gone: a match render (the only kind with a chain to edit) is mono.
    return { sampleRate: source.report.sampleRate, mono: out === null || out.channels === 1 }
  }

  async function applyChain(req: ApplyChainRequest): Promise<ChainOutput> {
    const jobId = req.jobId ?? randomUUID()
    if (running.has(jobId)) throw new UserError(`applyChain: job ${jobId} is already running`)
    // Registered before the first await, so a cancel sent right after the call always finds it.
    const controller = running.start(jobId)
    let result: ChainFileResult
    let path: string
    let chain: EffectChain
    let outPath: string
    let source: ReturnType<typeof sourceRender> | undefined
    let stylePath: string | undefined
    /** The inputs as checked so far, for naming an imported clip by the user's file name (AudioService.forUser). */
    const inputs = (): string[] => [path, stylePath].filter((p): p is string => p !== undefined)
    try {
      chain = req.chain ?? library.presets.require(req.presetId!).chain
      path = await opts.audio.allowedPath(req.path)
      source = req.renderId !== undefined ? sourceRender(req.renderId) : undefined
      stylePath = source ? await opts.audio.allowedPath(source.style) : req.stylePath !== undefined ? await opts.audio.allowedPath(req.stylePath) : undefined
      if (req.projectId !== undefined && stylePath === undefined) throw new UserError('applyChain: an output track needs the style clip to measure against (stylePath or renderId)')
      const stem = basename(displayName(path), extname(path))
      outPath = join(opts.dataDir, 'renders', `${stem}-chain-${randomUUID().slice(0, 8)}.wav`)
      if (controller.signal.aborted) throw new Error('cancelled')
      // An edit keeps its render's input and style measures; a new output track measures them once.
      const measureInputs = !source?.report.measures
      const renderAs = source ? await renderAsSource(source) : undefined
      // An edit keeps its render's length unless asked otherwise: a match render is cut at its content's
      // length (timeline alignment), so a net-zero edit gives the render's own samples.
      const keepLength = req.keepLength ?? source !== undefined
      result = await applyChainFile({ inPath: path, outPath, chain, keepLength, ...(renderAs && { renderAs }), ...(stylePath !== undefined && { stylePath, measureInputs }) }, { signal: controller.signal })
    } catch (err) {
      if (controller.signal.aborted) throw new UserError('applyChain: cancelled (a newer edit replaced it)')
      // An imported clip is named by the user's file name, not the app's copy under imports/.
      if (err instanceof Error) err.message = opts.audio.forUser(err.message, inputs())
      throw err
    } finally {
      running.done(jobId)
    }
    const audio = await opts.audio.describe(outPath)
    const out: ChainOutput = {
      audio,
      chain,
      loudness: result.loudness,
      truePeak: result.truePeak,
      inputGainDb: result.inputGainDb,
      tail: result.tail,
      measures: result.measures,
      wallMs: result.wallMs,
      chainMs: result.chainMs,
      xRealtime: result.xRealtime,
      notes: result.notes.map((n) => opts.audio.forUser(n, inputs()))
    }
    if (req.projectId === undefined) return out
    const report = chainReport(chain, result, source?.report, req.presetId)
    const renderId = library.renders.add({
      method: report.method,
      inputs: { content: source?.content ?? path, style: source?.style ?? stylePath! },
      params: { report: { ...report }, ...(source && { editedFrom: source.id }), ...(req.presetId !== undefined && { presetId: req.presetId }) },
      outputPath: outPath,
      metrics: { styleDistanceContent: report.styleDistance.content, styleDistanceOutput: report.styleDistance.output, contentDistance: report.contentDistance }
    })
    const render: RenderOutput = { renderId: String(renderId), audio, report }
    events.emit('libraryChanged', { kind: 'render', id: String(renderId) })
    // A new chain output becomes an output track as a render does; an edit replaces its track in the app.
    if (!source) opts.projects.addOutput(req.projectId, render)
    return { ...out, render }
  }

  return {
    handlers: {
      async listPresets() {
        return library.presets.list().map(presetInfo)
      },
      async savePreset({ name, chain, sourceRenderId }) {
        const id = library.presets.add({ name, chain, ...(sourceRenderId !== undefined && { sourceRenderId }) })
        changed(id)
        return info(id)
      },
      async renamePreset({ id, name }) {
        if (!library.presets.rename(id, name)) throw new UserError(`preset ${id}: not in the library`)
        changed(id)
        return info(id)
      },
      async deletePreset({ id }) {
        const deleted = library.presets.remove(id)
        if (deleted) changed(id)
        return { deleted }
      },
      applyChain
    },
    cancel: running.cancel,
    cancelAll: running.cancelAll
  }
}

/**
 * The report of a chain render: an edit keeps its source render's report with this chain, this
 * output's measures and distances; a chain applied as given (a preset) gets a report of its own.
 */
function chainReport(chain: EffectChain, r: ChainFileResult, source: StylizeReport | undefined, presetId: number | undefined): StylizeReport {
  const measures = r.inputMeasures && r.styleMeasures ? { content: r.inputMeasures, style: r.styleMeasures, output: r.measures } : undefined
  const measured = r.metrics ?? { styleDistance: source?.styleDistance ?? { content: 0, output: 0 }, contentDistance: source?.contentDistance ?? 0 }
  // An edit keeps its render's baseline (the content's distance to the style); only the output's are new.
  const distances = source ? { ...measured, styleDistance: { content: source.styleDistance.content, output: measured.styleDistance.output } } : measured
  const base: StylizeReport = source ?? {
    method: 'match',
    // As a match render reports itself (engine/style/match): no tensors, no spectrogram settings.
    backend: 'none',
    optimizer: 'nelder-mead',
    sampleRate: r.sampleRate,
    nFft: 0,
    hop: 0,
    filters: 0,
    iterations: 0,
    wallMs: 0,
    peakRssMb: 0,
    finalLoss: 0,
    ...distances,
    fit: { stages: [], evaluations: 0, fitMs: 0, notes: [presetId !== undefined ? `chain of preset ${presetId}, applied as saved (not fitted)` : 'chain applied as given (not fitted)'] }
  }
  return {
    ...base,
    ...distances,
    chain,
    wallMs: r.wallMs,
    ...(measures ? { measures } : base.measures ? { measures: { ...base.measures, output: r.measures } } : {})
  }
}
