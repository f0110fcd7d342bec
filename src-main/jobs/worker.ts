/**
 * The production job worker: initialises the TensorFlow.js backend (engine/backend: the pool's
 * `backend` option, else EB_BACKEND, else the best available), then serves the real engine kinds
 * (kinds.ts). Only a thin adapter; the work is in the engine modules. Bundled as its own entry
 * (see worker-entry.ts).
 */
import { engines } from './kinds'
import { serveJobs } from './worker-host'

await serveJobs(engines, {
  init: async (backend) => {
    // Imported here, not at the top, so a worker's failure to load TensorFlow.js is a start-up error.
    const { initBackend } = await import('../engine/backend')
    return (await initBackend(backend)).name
  }
})
