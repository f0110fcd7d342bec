import { realpathSync, statSync } from 'node:fs'
import { unlink } from 'node:fs/promises'
import { resolve, sep } from 'node:path'
import type { DeleteOutcome, RenderSummary } from '../../src-preload/api'
import type { Library } from '../library/library'
import type { Render } from '../library/renders'
import { UserError, describeError } from '../util/errors'
import type { EventHub } from './services'

/** The library view's render methods of the contract. */
export interface RenderLibraryService {
  handlers: {
    listRenders(): Promise<RenderSummary[]>
    deleteRender(req: { id: number }): Promise<DeleteOutcome>
  }
}

function sizeOf(path: string): number | null {
  try {
    return statSync(path).size
  } catch {
    return null
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
    metrics: r.metrics,
    options: options !== null && typeof options === 'object' && !Array.isArray(options) ? (options as Record<string, unknown>) : {},
    createdAt: r.createdAt
  }
}

/**
 * Renders as the model library shows them, and their deletion: the row (and the project tracks that
 * held its output) go in one commit, then the file, only inside the data folder. A file that cannot
 * be removed is reported, never left with a row.
 */
export function createRenderLibraryService(opts: { dataDir: string; library: Library; events: EventHub }): RenderLibraryService {
  const lib = opts.library

  /** Security: a deletion removes files of the data folder only, whatever path a row holds. */
  function insideDataDir(path: string): boolean {
    try {
      const root = realpathSync(opts.dataDir)
      const real = realpathSync(resolve(path))
      return real.startsWith(root + sep)
    } catch {
      return false
    }
  }

  return {
    handlers: {
      async listRenders() {
        return lib.renders.list().map(summary)
      },
      async deleteRender({ id }) {
        // Checked before the commit: a path resolved after its file is gone no longer says where it was.
        const file = lib.renders.get(id)?.outputPath
        const removable = file !== undefined && insideDataDir(file)
        const removed = lib.renders.remove(id)
        if (!removed) throw new UserError(`render ${id}: no such render in the library`)
        const projectIds = removed.projectIds.map(String)
        let fileRemoved = false
        let fileNote: string | null = null
        if (!removable) {
          fileNote = sizeOf(removed.render.outputPath) === null ? 'its file was already gone' : `its file ${removed.render.outputPath} is outside the data folder and was left in place`
        } else {
          try {
            await unlink(removed.render.outputPath)
            fileRemoved = true
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code
            fileNote = code === 'ENOENT' ? 'its file was already gone' : `its file ${removed.render.outputPath} could not be removed (${describeError(err)}); remove it by hand`
          }
        }
        opts.events.emit('libraryChanged', { kind: 'render', id: String(id) })
        for (const p of projectIds) opts.events.emit('libraryChanged', { kind: 'project', id: p })
        return { deleted: true, fileRemoved, fileNote, projectIds }
      }
    }
  }
}
