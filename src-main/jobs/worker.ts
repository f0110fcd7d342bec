/**
 * The production job worker: the job protocol served over the real engine kinds (kinds.ts).
 * Only a thin adapter; the work is in the engine modules. Bundled as its own entry (see worker-entry.ts).
 */
import { engines } from './kinds'
import { serveJobs } from './worker-host'

await serveJobs(engines)
