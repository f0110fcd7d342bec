import type { AudioRef, DeleteOutcome, ReopenedRender, RenderSummary, StylizeReport } from '../../src-preload/api'
import type { Library } from '../library/library'
import type { Render } from '../library/renders'
import { UserError, describeError } from '../util/errors'
import type { AudioService } from './audio'
import { insideDataDir, removeAfterCommit, sizeOf } from './data-files'
import type { EventHub } from './services'

/** The library view's render methods of the contract. */
export interface RenderLibraryService {
  handlers: {
    listRenders(): Promise<RenderSummary[]>
    deleteRender(req: { id: number }): Promise<DeleteOutcome>
    renameRender(req: { id: number; name: string }): Promise<RenderSummary>
    reopenRender(req: { id: number }): Promise<ReopenedRender>
  }
}

function summary(r: Render): RenderSummary {
  const options = r.params.options
  return {
    id: r.id,
    method: r.method,
    contentPath: r.inputs.content ?? '',
    stylePath: r.inputs.style ?? '',
    outputPath: r.outputPath,
    sizeBytes: sizeOf(r.outputPath),
    metrics: { ...outputMeasures(r.params.report), ...r.metrics },
    options: options !== null && typeof options === 'object' && !Array.isArray(options) ? (options as Record<string, unknown>) : {},
    name: r.name,
    createdAt: r.createdAt
  }
}

/** The measures a render's report recorded of its output (SignalMeasures: loudness LUFS, true peak dBTP, crest factor dB, spectral centroid Hz, RT60 s), those measured; {} for reports without them. */
function outputMeasures(report: unknown): Record<string, number> {
  const output = (report as { measures?: { output?: Record<string, unknown> } } | null | undefined)?.measures?.output
  if (output === null || typeof output !== 'object') return {}
  const out: Record<string, number> = {}
  for (const key of ['loudness', 'truePeak', 'crestFactor', 'spectralCentroid', 'rt60']) {
    const v = output[key]
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v
  }
  return out
}

/**
 * Renders as the model library shows them, their names, their way back to the timeline, and their
 * deletion: the row (and the project tracks that held its output) go in one commit, then the file,
 * only inside the data folder. A file that cannot be removed is reported, never left with a row.
 */
export function createRenderLibraryService(opts: { dataDir: string; library: Library; audio: AudioService; events: EventHub }): RenderLibraryService {
  const lib = opts.library

  /** The render's row, or one line saying it is not there. */
  function render(id: number): Render {
    const r = lib.renders.get(id)
    if (!r) throw new UserError(`render ${id}: no such render in the library`)
    return r
  }

  /** One input of a render as an audio reference, or one line naming the render, the input and why not. */
  async function input(r: Render, role: string, path: string | undefined): Promise<AudioRef> {
    if (!path) throw new UserError(`render ${r.id}: it recorded no ${role} file`)
    try {
      return await opts.audio.describe(path)
    } catch (err) {
      throw new UserError(`render ${r.id}: its ${role} ${path} cannot be read (${describeError(err)})`)
    }
  }

  return {
    handlers: {
      async listRenders() {
        return lib.renders.list().map(summary)
      },
      async renameRender({ id, name }) {
        const r = summary(lib.renders.rename(id, name))
        opts.events.emit('libraryChanged', { kind: 'render', id: String(id) })
        return r
      },
      async reopenRender({ id }) {
        const r = render(id)
        const report = r.params.report as StylizeReport | undefined
        // Only renders made by a render job keep their report; an output track cannot be shown without one.
        if (!report || typeof report !== 'object') throw new UserError(`render ${id}: it kept no report (recorded before reports were stored), so it cannot go back on the timeline`)
        const [content, style, audio] = [await input(r, 'content', r.inputs.content), await input(r, 'style', r.inputs.style), await input(r, 'output', r.outputPath)]
        return { content, style, output: { renderId: String(r.id), audio, report } }
      },
      async deleteRender({ id }) {
        // Checked before the commit: a path resolved after its file is gone no longer says where it was.
        const file = lib.renders.get(id)?.outputPath
        const inside = file !== undefined && insideDataDir(opts.dataDir, file)
        const removed = lib.renders.remove(id)
        if (!removed) throw new UserError(`render ${id}: no such render in the library`)
        const projectIds = removed.projectIds.map(String)
        const gone = await removeAfterCommit(removed.render.outputPath, inside, 'file')
        opts.events.emit('libraryChanged', { kind: 'render', id: String(id) })
        for (const p of projectIds) opts.events.emit('libraryChanged', { kind: 'project', id: p })
        return { deleted: true, fileRemoved: gone.removed, fileNote: gone.note, projectIds }
      }
    }
  }
}
