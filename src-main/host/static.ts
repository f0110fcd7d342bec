import { readFile, realpath, stat } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm'
}

/** Serves one file of the built renderer; false when there is no such file (the caller answers 404). */
export async function serveStatic(root: string, pathname: string, res: ServerResponse, headers: Record<string, string>): Promise<boolean> {
  let rel: string
  try {
    rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname)
  } catch {
    return false
  }
  const base = resolve(root)
  const file = resolve(join(base, normalize(rel)))
  // Traversal guard: the resolved file must stay inside the renderer folder.
  if (!file.startsWith(base + sep)) return false
  let real: string
  try {
    real = await realpath(file)
    // A symlink inside the folder must not lead out of it either.
    if (!real.startsWith((await realpath(base)) + sep)) return false
    if (!(await stat(real)).isFile()) return false
  } catch {
    return false
  }
  const body = await readFile(real)
  res.writeHead(200, {
    ...headers,
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': String(body.byteLength),
    // Hashed assets never change; index.html must always be fetched fresh.
    'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable'
  })
  res.end(body)
  return true
}
