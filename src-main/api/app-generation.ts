import { randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { GenerateRequest } from '../../src-preload/api'
import { describeError } from '../util/errors'
import type { AudioService } from './audio'
import type { ProjectService } from './projects'
import { createJobControllers, type JobControllers } from './job-controllers'
import type { EventHub } from './services'
import { generateWavenet } from './wavenet-generation'

/** The generate method of the contract, plus cancel and shutdown for the service that owns its jobs. */
export interface GenerationService extends Pick<JobControllers, 'cancel' | 'cancelAll'> {
  handlers: {
    startGeneration(req: GenerateRequest): Promise<{ jobId: string }>
  }
}

/** Where a generation's file goes: the data dir's `generated/` folder, named for the model, speaker and job. */
export function generatedPath(dataDir: string, req: Pick<GenerateRequest, 'modelId' | 'speaker'>, jobId: string): string {
  // Speaker codes come from the library (p225); anything else is kept out of the file name.
  const speaker = (req.speaker ?? 'any').replace(/[^A-Za-z0-9_-]/g, '_')
  return join(dataDir, 'generated', `wavenet-${req.modelId}-${speaker}-${jobId.slice(0, 8)}.wav`)
}

/**
 * The app's door onto WaveNet generation: a request starts a `generateWavenet` job through the
 * generation service (the CLI's own path), progress arrives as jobProgress with samples/s and the
 * realtime factor, and the end as jobFinished of kind 'generation' with the new file (under the data
 * dir, so the renderer may load it) and the figures; the renderer puts it on a new output track.
 */
export function createGenerationService(opts: { dataDir: string; audio: AudioService; projects: ProjectService; events: EventHub }): GenerationService {
  const { events } = opts
  const jobs = createJobControllers()

  async function finish(jobId: string, req: GenerateRequest, result: ReturnType<typeof generateWavenet>, controller: AbortController): Promise<void> {
    try {
      const r = await result
      const audio = await opts.audio.describe(r.files[0]!)
      const generated = {
        audio,
        label: r.speaker === null ? 'wavenet' : `wavenet ${r.speaker}`,
        modelId: r.modelId,
        checkpointId: r.checkpointId,
        speaker: r.speaker,
        temperature: r.temperature,
        seed: r.seed,
        receptiveField: r.receptiveField,
        samplesPerSecond: r.samplesPerSecond,
        realtimeFactor: r.realtimeFactor
      }
      // The project gets its output track here, so a generation outlives a closed or reloaded window.
      if (req.projectId !== undefined) opts.projects.addAudioTrack(req.projectId, audio, generated.label)
      events.emit('jobFinished', { jobId, kind: 'generation', status: 'done', generated, ...(req.projectId !== undefined && { projectId: req.projectId }) })
    } catch (err) {
      const status = controller.signal.aborted ? 'cancelled' : 'failed'
      events.emit('jobFinished', { jobId, kind: 'generation', status, ...(status === 'failed' && { error: describeError(err) }) })
    } finally {
      jobs.done(jobId)
    }
  }

  return {
    handlers: {
      async startGeneration(req) {
        // A project that is not there is refused now, not after the audio is made.
        if (req.projectId !== undefined) await opts.projects.handlers.loadProject({ id: req.projectId })
        const jobId = randomUUID()
        const out = generatedPath(opts.dataDir, req, jobId)
        await mkdir(join(opts.dataDir, 'generated'), { recursive: true })
        const controller = jobs.start(jobId)
        let queued!: () => void
        const accepted = new Promise<void>((r) => (queued = r))
        const { modelId, checkpointId, speaker, seconds, temperature, seed } = req
        // Security: the renderer names the recording; only the data dir and the bundled examples may be read.
        const mel = req.melPath === undefined ? undefined : await opts.audio.allowedPath(req.melPath)
        const result = generateWavenet(
          {
            dataDir: opts.dataDir,
            modelId,
            ...(checkpointId !== undefined && { checkpointId }),
            ...(speaker !== undefined && { speaker }),
            ...(mel !== undefined && { mel, untilMelEnds: true }),
            outs: [out],
            seconds,
            temperature,
            seed
          },
          { signal: controller.signal, onJobId: () => queued(), onProgress: (p) => events.emit('jobProgress', { ...p, jobId }) }
        )
        // The figures are checked before queueing: a bad one is this call's error; the model's checks end the job.
        await Promise.race([accepted, result]).catch((err: unknown) => {
          jobs.done(jobId)
          throw err
        })
        void finish(jobId, req, result, controller)
        return { jobId }
      }
    },
    cancel: jobs.cancel,
    cancelAll: jobs.cancelAll
  }
}
