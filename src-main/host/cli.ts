import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createServices } from '../api/services'
import { resolveDataDir } from '../library/data-dir'
import { describeError } from '../util/errors'
import { buildRenderer, rendererIsStale } from './renderer-build'
import { startHost } from './server'

const root = fileURLToPath(new URL('../../', import.meta.url))

/**
 * `npm run serve -- [--port N] [--data-dir DIR] [--bind 127.0.0.1]`: builds the renderer if it is missing or stale,
 * starts the web host and prints exactly one line on stdout, the URL to open (with its token).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, 'no-build': { type: 'boolean' }, bind: { type: 'string' } },
    strict: true
  })
  // 5178: a free-looking port near Vite's 5173 (0 picks any free port).
  const port = values.port === undefined ? 5178 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: "${values.port}" is not a port number`)
  const rendererDir = join(root, 'out', 'renderer')
  if (values['no-build'] !== true && (await rendererIsStale(root, rendererDir))) {
    process.stderr.write('building the renderer (out/renderer is missing or older than its sources)...\n')
    await buildRenderer(root, rendererDir)
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
  const services = await createServices({
    dataDir: resolveDataDir(values['data-dir']),
    examplesDir: join(root, 'resources', 'examples'),
    platform: 'web',
    version: pkg.version
  })
  // --bind exists to be refused unless it names loopback: the host never serves the network.
  const host = await startHost({ services, rendererDir, port, ...(values.bind !== undefined && { bind: values.bind }) })
  process.stdout.write(host.url + '\n')
  const stop = (): void => {
    void host.close().then(() => services.close()).then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${describeError(err)}\n`)
  process.exit(1)
})
