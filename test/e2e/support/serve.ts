import { spawn, type ChildProcess } from 'node:child_process'

/** A running `npm run serve` started by a test. */
export interface Served {
  url: string
  origin: string
  /** Everything the host wrote to stderr (shown when a test fails). */
  log(): string
  stop(): Promise<void>
}

const URL_LINE = /^(http:\/\/127\.0\.0\.1:\d+)\/\?token=[\w-]+$/m

/**
 * Starts `npm run serve -- --port 0 --data-dir <dir>` in its own process group and resolves with the
 * one URL line it prints. A first run may build the renderer, hence the generous limit.
 */
export function startServe(root: string, dataDir: string, timeoutMs = 240_000): Promise<Served> {
  const child: ChildProcess = spawn('npm', ['run', '--silent', 'serve', '--', '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, EB_DATA_DIR: dataDir }
  })
  let out = ''
  let err = ''
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.pid === undefined) return
    const exited = new Promise((r) => child.once('exit', r))
    // The whole group: npm, its shell, tsx and node (all started here, by this process id).
    process.kill(-child.pid, 'SIGTERM')
    const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`npm run serve printed no URL within ${timeoutMs} ms\n${err}`))
    }, timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`npm run serve exited with ${code}\n${err}`))
    })
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = URL_LINE.exec(out)
      if (!m) return
      clearTimeout(timer)
      resolve({ url: m[0], origin: m[1]!, log: () => err, stop })
    })
  })
}
