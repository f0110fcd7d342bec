/**
 * The entry `name` beside the module at `base` (pass the caller's own import.meta.url): name.ts when
 * running from source (tsx, vitest), name.js when bundled (electron-vite builds each entry next to
 * index.js). Built by concatenation, not a `new URL('literal', import.meta.url)`, so Vite does not
 * mistake it for an asset to copy.
 */
export function siblingEntryUrl(name: string, base: string): URL {
  const ext = new URL(base).pathname.endsWith('.ts') ? '.ts' : '.js'
  return new URL(`./${name}${ext}`, base)
}

/** The production worker entry beside this module (src-main/jobs/worker.ts, or worker.js when bundled). */
export function defaultWorkerUrl(base: string = import.meta.url): URL {
  return siblingEntryUrl('worker', base)
}

/**
 * What to hand `new Worker()` for an entry at `url`. A .js entry runs as it is. A .ts entry needs
 * tsx inside the worker, and on Node 20 neither the parent's `--import tsx` nor an `execArgv` one
 * reaches a worker's entry (nodejs/node#47747, privatenumber/tsx#354), so the worker starts from a
 * two-line ES module that registers tsx's loader and then imports the real entry.
 */
export function workerEntry(url: URL): URL {
  if (!/\.[cm]?ts$/.test(url.pathname)) return url
  const tsx = import.meta.resolve('tsx/esm/api')
  const code = `import { register } from ${JSON.stringify(tsx)}\nregister()\nawait import(${JSON.stringify(url.href)})\n`
  return new URL('data:text/javascript,' + encodeURIComponent(code))
}
