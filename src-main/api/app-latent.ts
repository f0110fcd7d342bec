import { randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { LatentCode, LatentDecodeOutput, LatentDecodeRequest } from '../../src-preload/api'
import { UserError } from '../util/errors'
import type { AudioService } from './audio'
import { createJobControllers, type JobControllers } from './job-controllers'
import { decodeLatent, encodeLatent, interpolateLatents, sampleLatent } from './latents'
import type { EventHub } from './services'

/** The latent explorer's methods of the contract, plus cancel and shutdown for its decodes. */
export interface LatentService extends Pick<JobControllers, 'cancel' | 'cancelAll'> {
  handlers: {
    encodeLatent(req: { modelId: number; path: string }): Promise<LatentCode>
    sampleLatent(req: { modelId: number; seed?: number }): Promise<LatentCode>
    interpolateLatents(req: { a: LatentCode; b: LatentCode; t: number }): Promise<LatentCode>
    decodeLatent(req: LatentDecodeRequest): Promise<LatentDecodeOutput>
  }
}

/**
 * The app's door onto the latent explorer (api/latents.ts, the CLI's own path): a clip is read only
 * from the data dir or the bundled examples; a decode writes its WAV under the data dir's
 * `generated/` (so the renderer may load it), reports jobProgress under the caller's `jobId` (or a
 * new one) and resolves when the file is written; cancelJob with that id stops it.
 */
export function createLatentService(opts: { dataDir: string; audio: AudioService; events: EventHub }): LatentService {
  const jobs = createJobControllers()
  return {
    handlers: {
      async encodeLatent(req) {
        // Security: the renderer names the file; only the data dir and the bundled examples may be read.
        const path = await opts.audio.allowedPath(req.path)
        return { ...(await encodeLatent({ modelId: req.modelId, path, dataDir: opts.dataDir })), source: req.path }
      },
      sampleLatent: async (req) => sampleLatent({ ...req, dataDir: opts.dataDir }),
      interpolateLatents: async (req) => interpolateLatents(req.a, req.b, req.t),
      async decodeLatent(req) {
        const jobId = req.jobId ?? randomUUID()
        if (jobs.has(jobId)) throw new UserError(`decodeLatent: job ${jobId} is already running`)
        const controller = jobs.start(jobId)
        try {
          await mkdir(join(opts.dataDir, 'generated'), { recursive: true })
          const out = join(opts.dataDir, 'generated', `latent-${req.code.modelId}-${jobId.slice(0, 8).replace(/[^A-Za-z0-9_-]/g, '_')}.wav`)
          const { jobId: _id, ...rest } = req
          const r = await decodeLatent({ ...rest, out, dataDir: opts.dataDir }, { signal: controller.signal, onProgress: (p) => opts.events.emit('jobProgress', { ...p, jobId }) })
          return { audio: await opts.audio.describe(r.out), z: r.z, wallMs: r.wallMs, samplesPerSecond: r.samplesPerSecond, xRealtime: r.xRealtime }
        } catch (err) {
          // A cancel (cancelJob, or a newer decode replacing this one) is the caller's choice, not a failure.
          if (controller.signal.aborted) throw new UserError('decodeLatent: cancelled, nothing written')
          throw err
        } finally {
          jobs.done(jobId)
        }
      }
    },
    cancel: jobs.cancel,
    cancelAll: jobs.cancelAll
  }
}
