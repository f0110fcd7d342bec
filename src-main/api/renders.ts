import { randomUUID } from 'node:crypto'
import { basename, extname, join } from 'node:path'
import type { RenderRequest } from '../../src-preload/api'
import { renderStyle } from './style'
import { describeError } from '../util/errors'
import { displayName, type AudioService } from './audio'
import type { ProjectService } from './projects'
import type { EventHub } from './services'

/** The render methods: start a style render as a job, cancel it; progress and the end arrive as events. */
export interface RenderService {
  handlers: {
    startRender(req: RenderRequest): Promise<{ jobId: string }>
    cancelJob(req: { jobId: string }): Promise<{ cancelled: boolean }>
  }
  /** Aborts every running render (on shutdown). */
  cancelAll(): void
}

/** Style renders through the lead's renderStyle (job pool), recorded in the library when done. */
export function createRenderService(opts: {
  dataDir: string
  audio: AudioService
  projects: ProjectService
  events: EventHub
}): RenderService {
  const running = new Map<string, AbortController>()
  const { events } = opts

  async function run(jobId: string, req: RenderRequest, contentPath: string, stylePath: string, signal: AbortSignal): Promise<void> {
    const stem = basename(displayName(contentPath), extname(contentPath))
    const outPath = join(opts.dataDir, 'renders', `${stem}-${req.options.method ?? 'texture'}-${jobId.slice(0, 8)}.wav`)
    try {
      const result = await renderStyle(
        { contentPath, stylePath, outPath, options: req.options },
        { onProgress: (p) => events.emit('jobProgress', { ...p, jobId }), signal }
      )
      // Notes name an imported input by the user's file name, not the app's copy (as the error below).
      const named = (notes: string[]): string[] => notes.map((n) => opts.audio.forUser(n, [contentPath, stylePath]))
      const report = { ...result.report, ...(result.report.inputNotes && { inputNotes: named(result.report.inputNotes) }), ...(result.report.fit && { fit: { ...result.report.fit, notes: named(result.report.fit.notes) } }) }
      const renderId = opts.projects.library.renders.add({
        method: report.method,
        inputs: { content: contentPath, style: stylePath },
        params: { options: { ...req.options }, report: { ...report } },
        outputPath: result.outPath,
        metrics: {
          styleDistanceContent: report.styleDistance.content,
          styleDistanceOutput: report.styleDistance.output,
          contentDistance: report.contentDistance
        }
      })
      const audio = await opts.audio.describe(result.outPath)
      const output = { renderId: String(renderId), audio, report }
      events.emit('libraryChanged', { kind: 'render', id: String(renderId) })
      // The project gets its output track here, so a render outlives a closed or reloaded window.
      if (req.projectId !== undefined) opts.projects.addOutput(req.projectId, output)
      events.emit('jobFinished', { jobId, status: 'done', output, ...(req.projectId !== undefined ? { projectId: req.projectId } : {}) })
    } catch (err) {
      if (signal.aborted) events.emit('jobFinished', { jobId, status: 'cancelled' })
      else events.emit('jobFinished', { jobId, status: 'failed', error: opts.audio.forUser(describeError(err), [contentPath, stylePath]) })
    } finally {
      running.delete(jobId)
    }
  }

  return {
    handlers: {
      async startRender(req) {
        // Check both inputs before queueing, so a bad path is a clear error now, not a failed job later.
        const contentPath = await opts.audio.allowedPath(req.contentPath)
        const stylePath = await opts.audio.allowedPath(req.stylePath)
        const jobId = randomUUID()
        const controller = new AbortController()
        running.set(jobId, controller)
        void run(jobId, req, contentPath, stylePath, controller.signal)
        return { jobId }
      },
      async cancelJob({ jobId }) {
        const c = running.get(jobId)
        if (!c) return { cancelled: false }
        c.abort()
        return { cancelled: true }
      }
    },
    cancelAll() {
      for (const c of running.values()) c.abort()
    }
  }
}
