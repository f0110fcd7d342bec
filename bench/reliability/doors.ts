/**
 * The doors campaign of the reliability section (issue 18, part 2): a real web host on a scratch
 * data folder and the IPC manager with a fake ipcMain, fed seeded cases that must all be refused
 * with one clear line: malformed and oversized payloads, path traversal in every path argument
 * (`../`, URL-encoded, symlinks out of the data folder, absolute paths, NUL bytes), a missing or
 * wrong token, a foreign Origin or Host, WebSocket upgrades without the token or from a foreign
 * Origin, huge WebSocket frames, binds to non-loopback addresses, traversal out of the renderer
 * folder, headers past Node's limit, bytes that are not HTTP, and a flood of concurrent calls
 * after which the host must still answer.
 *
 *   npx tsx bench/reliability/doors.ts [--seed N] [--scale ci|full]
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { channelFor, type Envelope } from '../../src-preload/api'
import { encodeWav } from '../../src-main/audio/wav'
import { createServices, type Services } from '../../src-main/api/services'
import { startHost, type Host } from '../../src-main/host/server'
import { createDispatcher } from '../../src-main/ipc/dispatch'
import { createIpcManager, trustedSenders, type IpcEventLike, type IpcMainLike } from '../../src-main/ipc/manager'
import { createRng } from '../../src-main/util/random'
import { clearLine, send, type Answer, type Verdict } from './door-http'
import { authCases, bindCases, floodCases, ipcSenderCases, malformedCases, oversizedCases, slowClientCases, staticAndRawCases, traversalCases, webSocketCases, type DoorContext, type DoorSizes, APP_URL, snapshot } from './door-cases'

/** What the doors campaign counts. */
export interface DoorCounts {
  /** Cases tried, per kind (door:kind). */
  cases: Record<string, number>
  /** Requests that should have been refused but got a 2xx / ok envelope, or touched a file outside the roots. */
  requestsLetThrough: number
  /** The host died or stopped answering, or an unhandled rejection / exception surfaced. */
  crashes: number
  /** Refusals that were not one clear line (no answer, a 5xx, several lines, a stack trace). */
  unclearRefusals: number
  /** One line per let-through, crash or unclear refusal (the first 50). */
  details: string[]
}

/** Campaign options: the seed of every drawn case, the scale (ci: a few hundred cases), and where lines go. */
export interface DoorOptions {
  seed: number
  scale: 'ci' | 'full'
  log: (line: string) => void
}

const SIZES: Record<'ci' | 'full', DoorSizes> = {
  ci: { malformed: 240, traversalRounds: 1, flood: 200, hugeString: 64 * 1024, hugeFrame: 2 * 1024 * 1024, uploadStream: 0 },
  full: { malformed: 2400, traversalRounds: 3, flood: 1000, hugeString: 8 * 1024 * 1024, hugeFrame: 120 * 1024 * 1024, uploadStream: 530 * 1024 * 1024 }
}

/** One second of a 441 Hz sine at 8 kHz: a file every audio method accepts. */
function sineWav(): Uint8Array {
  const sr = 8000
  return encodeWav([new Float32Array(sr).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 441 * i) / sr))], sr, { float: true })
}

/** Runs the doors campaign; resolves the counts (never throws for a hole it finds: that is a count). */
export async function runDoors(opts: DoorOptions): Promise<DoorCounts> {
  const size = SIZES[opts.scale]
  const rng = createRng(opts.seed)
  const counts: DoorCounts = { cases: {}, requestsLetThrough: 0, crashes: 0, unclearRefusals: 0, details: [] }
  const note = (line: string): void => {
    if (counts.details.length < 50) counts.details.push(line)
    opts.log(line)
  }
  const tally = (kind: string, verdict: Verdict, what: string, message: string): void => {
    counts.cases[kind] = (counts.cases[kind] ?? 0) + 1
    if (verdict === 'let-through') {
      counts.requestsLetThrough++
      note(`LET THROUGH ${kind}: ${what} -> ${message}`)
    } else if (verdict === 'unclear') {
      counts.unclearRefusals++
      note(`UNCLEAR ${kind}: ${what} -> ${message}`)
    }
  }
  const onRejection = (err: unknown): void => {
    counts.crashes++
    note(`CRASH unhandled: ${String((err as Error)?.stack ?? err).split('\n')[0]}`)
  }
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onRejection)

  const dir = await mkdtemp(join(tmpdir(), 'eb-doors-'))
  const dataDir = join(dir, 'data')
  const examplesDir = join(dir, 'examples')
  const outside = join(dir, 'outside')
  const rendererDir = join(dir, 'renderer')
  let services: Services | undefined
  let host: Host | undefined
  try {
    for (const d of [join(dataDir, 'imports'), examplesDir, outside, join(rendererDir, 'assets')]) await mkdir(d, { recursive: true })
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>EB</title>')
    await writeFile(join(examplesDir, 'sine.wav'), sineWav())
    // A real audio file outside the roots: a missing check would decode it and answer ok.
    await writeFile(join(outside, 'secret.wav'), sineWav())
    await writeFile(join(outside, 'secret.txt'), 'not for the doors')
    await symlink(join(outside, 'secret.wav'), join(dataDir, 'imports', 'link-out.wav'))
    await symlink(outside, join(dataDir, 'link-dir'))
    await symlink(join(outside, 'secret.wav'), join(examplesDir, 'link-out.wav'))
    await symlink(join(outside, 'secret.txt'), join(rendererDir, 'link-out.txt'))
    await symlink(outside, join(rendererDir, 'link-dir'))
    const before = await snapshot(outside)

    services = await createServices({ dataDir, examplesDir, platform: 'web', version: 'doors' })
    host = await startHost({ services, rendererDir, port: 0 })
    const port = host.port
    const token = host.token
    const origin = `http://127.0.0.1:${port}`
    const good = join(examplesDir, 'sine.wav')

    const api = (method: string, body: Uint8Array | string, contentType: string, headers: Record<string, string> = {}): Promise<Answer> =>
      send(port, { path: `/api/${method}`, headers: { 'Content-Type': contentType, 'X-EB-Token': token, ...headers }, body })
    const alive = async (): Promise<boolean> => (await api('appInfo', '{}', 'application/json')).status === 200

    // The IPC door: the manager as Electron registers it, on a plain registry.
    const listeners = new Map<string, (e: IpcEventLike, ...args: unknown[]) => Promise<Envelope>>()
    const ipc: IpcMainLike = { handle: (c, l) => void listeners.set(c, l), removeHandler: (c) => void listeners.delete(c) }
    const manager = createIpcManager({
      ipc,
      isTrustedSender: trustedSenders({ windowIds: () => [1], isAppUrl: (u) => u.split(/[?#]/)[0] === APP_URL }),
      dispatch: createDispatcher(services.handlers, () => {})
    })
    const ours: IpcEventLike = { sender: { id: 1 }, senderFrame: { url: APP_URL } }
    const invoke = async (method: string, event: IpcEventLike, ...args: unknown[]): Promise<{ verdict: Verdict; message: string }> => {
      const l = listeners.get(channelFor(method as never))
      if (!l) return { verdict: 'refused', message: 'no channel' }
      try {
        const env = await l(event, ...args)
        if (env.ok) return { verdict: 'let-through', message: 'ok' }
        return { verdict: clearLine(env.error) && env.code !== 'internal' ? 'refused' : 'unclear', message: `${env.code} ${env.error.slice(0, 200)}` }
      } catch (err) {
        return { verdict: 'unclear', message: `threw ${(err as Error).message}` }
      }
    }

    const d: DoorContext = { size, rng, api, invoke, ours, tally, note, good, port, token, origin, services, rendererDir, dataDir, examplesDir, outside, counts, alive, evil: [], before }
    await malformedCases(d)
    await oversizedCases(d)
    await slowClientCases(d)
    await traversalCases(d)
    await authCases(d)
    await webSocketCases(d)
    await bindCases(d)
    await ipcSenderCases(d)
    await staticAndRawCases(d)
    await floodCases(d)
    manager.dispose()
  } finally {
    if (host && !(await hostAnswers(host))) {
      counts.crashes++
      note('CRASH the host does not answer at the end of the campaign')
    }
    await host?.close()
    await services?.close()
    process.off('unhandledRejection', onRejection)
    process.off('uncaughtException', onRejection)
    await rm(dir, { recursive: true, force: true })
  }
  return counts
}

async function hostAnswers(host: Host): Promise<boolean> {
  const a = await send(host.port, { path: '/api/appInfo', headers: { 'Content-Type': 'application/json', 'X-EB-Token': host.token }, body: '{}' })
  return a.status === 200
}


/** Prints the counts of one run (the reliability section's own table is in index.ts). */
async function cli(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '18' }, scale: { type: 'string', default: 'ci' } } })
  const scale = values.scale === 'full' ? 'full' : 'ci'
  const r = await runDoors({ seed: Number(values.seed), scale, log: (l) => process.stderr.write(l + '\n') })
  process.stdout.write(JSON.stringify(r, null, 2) + '\n')
}

if (import.meta.url === `file://${process.argv[1]}`) await cli()
