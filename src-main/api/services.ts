import type { ApiEvents, EventName, MethodName, Platform, RequestOf, ResponseOf } from '../../src-preload/api'
import { createAppService } from './app'
import { createGenerationService } from './app-generation'
import { createTrainingService } from './app-training'
import { createVaePictureService } from './app-vae'
import { createAudioService } from './audio'
import { createProjectService } from './projects'
import { createRenderService } from './renders'
import { createPresetService } from './presets'
import { createTagBrowserService } from './tag-browser'
import { createLatentService } from './app-latent'
import { createRenderLibraryService } from './render-library'
import { createDatasetImportService } from './dataset-import-service'
import { watchExternalCommits } from './library-watch'
import { createModelLibraryService } from './model-library'

/** The contract's methods as main implements them: one async function per method. */
export type ApiHandlers = { [K in MethodName]: (req: RequestOf<K>) => Promise<ResponseOf<K>> }

/** Typed event stream shared by every door (IPC forwards it to windows, the host to WebSockets). */
export interface EventHub {
  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void
  /** Returns the unsubscribe function. */
  on(listener: <E extends EventName>(event: E, payload: ApiEvents[E]) => void): () => void
}

/** Where services live and what the current door adds (Electron: a native file dialog). */
export interface ServiceOptions {
  dataDir: string
  examplesDir: string
  platform: Platform
  version: string
  /** Native open dialog returning chosen paths (Electron only). */
  pickAudioFiles?: () => Promise<string[]>
  /** Shows a file in the native file manager (Electron only; elsewhere revealFile answers the path). */
  revealPath?: (path: string) => void
}

/** Everything behind the contract, ready for a door to expose. */
export interface Services {
  handlers: ApiHandlers
  events: EventHub
  /** Cancels running jobs and closes the library. */
  close(): Promise<void>
}

/** Creates the event hub: listeners are called in order; one throwing does not stop the others. */
export function createEventHub(): EventHub {
  const listeners = new Set<Parameters<EventHub['on']>[0]>()
  return {
    emit(event, payload) {
      for (const l of [...listeners]) {
        try {
          l(event, payload)
        } catch (err) {
          console.error(`event listener for ${event} failed:`, err)
        }
      }
    },
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  }
}

/** Builds every service over one data dir; the same object backs Electron IPC and the web host. */
export async function createServices(opts: ServiceOptions): Promise<Services> {
  const events = createEventHub()
  const app = createAppService(opts)
  const audio = createAudioService({ dataDir: opts.dataDir, examplesDir: opts.examplesDir, pickAudioFiles: opts.pickAudioFiles })
  const projects = await createProjectService({ dataDir: opts.dataDir, events, audio })
  const renders = createRenderService({ dataDir: opts.dataDir, audio, projects, events })
  const training = createTrainingService({ dataDir: opts.dataDir, library: projects.library, audio, events })
  const presets = createPresetService({ dataDir: opts.dataDir, library: projects.library, audio, projects, events })
  const generation = createGenerationService({ dataDir: opts.dataDir, audio, projects, events })
  const tagBrowser = createTagBrowserService({ library: projects.library, audio })
  const latent = createLatentService({ dataDir: opts.dataDir, audio, events })
  const renderLibrary = createRenderLibraryService({ dataDir: opts.dataDir, library: projects.library, audio, events })
  const datasetImports = createDatasetImportService({ dataDir: opts.dataDir, events })
  const modelLibrary = createModelLibraryService({
    dataDir: opts.dataDir,
    library: projects.library,
    events,
    trainingRunIds: async () => (await training.handlers.listTrainingJobs()).map((j) => j.runId),
    trainingDatasetIds: async () => (await training.handlers.listTrainingJobs()).map((j) => j.request.datasetId),
    ...(opts.revealPath && { revealPath: opts.revealPath })
  })
  const handlers: ApiHandlers = {
    ...app,
    ...audio.handlers,
    ...projects.handlers,
    ...renders.handlers,
    ...training.handlers,
    ...presets.handlers,
    ...generation.handlers,
    ...tagBrowser.handlers,
    ...latent.handlers,
    ...renderLibrary.handlers,
    ...datasetImports.handlers,
    ...modelLibrary.handlers,
    ...createVaePictureService({ dataDir: opts.dataDir }).handlers,
    // One cancel for every job the app starts: a training job, a generation, a chain edit, else a render.
    cancelJob: async (req) =>
      training.cancel(req.jobId) || generation.cancel(req.jobId) || presets.cancel(req.jobId) || latent.cancel(req.jobId) || datasetImports.cancel(req.jobId) ? { cancelled: true } : renders.handlers.cancelJob(req)
  }
  // What the CLI (another process) commits reaches open views as libraryChanged { kind: 'external' }.
  const externalCommits = watchExternalCommits(projects.library, events)
  return {
    handlers,
    events,
    async close() {
      externalCommits.stop()
      training.cancelAll()
      datasetImports.cancelAll()
      generation.cancelAll()
      renders.cancelAll()
      presets.cancelAll()
      latent.cancelAll()
      projects.close()
    }
  }
}
