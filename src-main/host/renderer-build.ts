import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** Newest modification time of any file under `dir` (0 when it does not exist). */
async function newestMtime(dir: string): Promise<number> {
  let newest = 0
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true })
  } catch {
    return 0
  }
  for (const e of entries) {
    if (!e.isFile()) continue
    const { mtimeMs } = await stat(join(e.parentPath, e.name))
    if (mtimeMs > newest) newest = mtimeMs
  }
  return newest
}

/** True when out/renderer is missing or older than any renderer source or the contract. */
export async function rendererIsStale(root: string, outDir: string): Promise<boolean> {
  let built: number
  try {
    built = (await stat(join(outDir, 'index.html'))).mtimeMs
  } catch {
    return true
  }
  const sources = Math.max(await newestMtime(join(root, 'src-renderer')), await newestMtime(join(root, 'src-preload')))
  return sources > built
}

/**
 * Builds only the renderer (what electron-vite builds for the window), so `npm run serve` works on a
 * fresh checkout without building main and preload. Vite and the Vue plugin are dev dependencies,
 * loaded only when a build is needed.
 */
export async function buildRenderer(root: string, outDir: string): Promise<void> {
  const { build } = await import('vite')
  const { default: vue } = await import('@vitejs/plugin-vue')
  await build({
    configFile: false,
    root: join(root, 'src-renderer'),
    base: './',
    logLevel: 'warn',
    plugins: [vue()],
    build: { outDir, emptyOutDir: true }
  })
}
