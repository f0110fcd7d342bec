import type { EngineMap } from './job-context'
import type { SelfTestParams, SelfTestResult } from './self-test'

/**
 * Every job kind: its params and result types. The caller side (JobPool, api/jobs) imports only these
 * types; the worker imports `engines` below. Arrays inside params and results are moved, not copied.
 *
 * To add a kind: one entry here, one entry in `engines`, the engine itself in its own engine/ module.
 */
export interface JobKinds {
  /** Repeated smoothing of a signal: checks transfer, progress and cancel end to end (self-test.ts). */
  selfTest: { params: SelfTestParams; result: SelfTestResult }
  // stylize: { params: StylizeJobParams; result: StylizeJobResult }  <- engine/style (lead adds)
}

/** The name of a job kind. */
export type JobKind = keyof JobKinds
/** The params of job kind K. */
export type JobParams<K extends JobKind> = JobKinds[K]['params']
/** The result of job kind K. */
export type JobResult<K extends JobKind> = JobKinds[K]['result']

/**
 * Worker side: kind -> engine function. Each engine module is imported on the first job of its kind,
 * so a worker is ready (and answers the handshake) without loading every engine first.
 */
export const engines: EngineMap<JobKinds> = {
  selfTest: async (params, ctx) => (await import('./self-test')).selfTest(params, ctx)
  // stylize: async (params, ctx) => (await import('../engine/style/...')).stylize...(params, ctx)
}
