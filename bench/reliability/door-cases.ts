/**
 * The case groups of the doors campaign (bench/reliability/doors.ts), one function per kind of
 * abuse, each sending its cases through the context's doors and tallying the verdicts.
 */
import { lstat, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { connect, type Socket } from 'node:net'
import { encodeWire } from '../../src-preload/wire'
import type { Services } from '../../src-main/api/services'
import { neutralChain } from '../../src-main/engine/effects/chain'
import { loadModel, saveModel, WEIGHTS_BIN } from '../../src-main/engine/models/model-files'
import { tfl } from '../../src-main/engine/tf'
import { UserError } from '../../src-main/util/errors'
import { startHost } from '../../src-main/host/server'
import type { IpcEventLike } from '../../src-main/ipc/manager'
import type { Rng } from '../../src-main/util/random'
import { basePayloads, breakCall, CONTRACT_METHODS } from './door-payloads'
import { clearLine, judge, send, sendHugeFrame, sendRaw, tryWebSocket, type Answer, type Verdict } from './door-http'
import type { DoorCounts } from './doors'

/** Case counts and sizes of one scale. */
export interface DoorSizes {
  malformed: number
  traversalRounds: number
  flood: number
  hugeString: number
  hugeFrame: number
  uploadStream: number
}

/** Everything a case group needs: the running host and IPC manager, the scratch paths, the tally. */
export interface DoorContext {
  size: DoorSizes
  rng: Rng
  /** POST /api/<method> with the token. */
  api(method: string, body: Uint8Array | string, contentType: string, headers?: Record<string, string>): Promise<Answer>
  /** One IPC call through the manager, judged. */
  invoke(method: string, event: IpcEventLike, ...args: unknown[]): Promise<{ verdict: Verdict; message: string }>
  /** Our window's event. */
  ours: IpcEventLike
  tally(kind: string, verdict: Verdict, what: string, message: string): void
  note(line: string): void
  /** An audio file every method accepts (in the examples). */
  good: string
  port: number
  token: string
  origin: string
  services: Services
  rendererDir: string
  dataDir: string
  examplesDir: string
  /** A folder beside the data folder holding a real WAV: nothing may read or change it. */
  outside: string
  counts: DoorCounts
  alive(): Promise<boolean>
  /** The traversal paths (filled by traversalCases; the flood reuses them). */
  evil: string[]
  /** The outside folder's listing before the campaign. */
  before: string
}

/** The app page's URL as the fake IPC sender shows it. */
export const APP_URL = 'file:///opt/electric-beats/out/renderer/index.html'

/** Names, sizes and mtimes under `dir` (one level deep is enough: the campaign plants flat files). */
export async function snapshot(dir: string): Promise<string> {
  const names = (await readdir(dir)).sort()
  const rows = await Promise.all(names.map(async (n) => ((st) => `${n}:${st.size}:${st.mtimeMs}`)(await lstat(join(dir, n)))))
  return rows.join('\n')
}

function pick<T>(xs: readonly T[], rng: Rng): T {
  return xs[Math.floor(rng.uniform() * xs.length)]!
}

/** Malformed payloads, over HTTP (JSON and wire) and IPC alike. */
export async function malformedCases(d: DoorContext): Promise<void> {
  const { size, rng, api, invoke, ours, tally, good } = d
  const bases = basePayloads({ audio: good })
  for (let i = 0; i < size.malformed; i++) {
    const method = pick(CONTRACT_METHODS, rng)
    const call = breakCall(method, bases[method], rng, size.hugeString)
    const what = `${method} (${call.breakage})`
    const soften = (v: { verdict: Verdict; message: string }): { verdict: Verdict; message: string } =>
      call.mayIgnore && v.verdict === 'let-through' ? { verdict: 'refused', message: 'unknown key dropped' } : v
    const j = soften(judge(await api(method, call.json, 'application/json')))
    tally(`http:malformed:${call.breakage}`, j.verdict, `${what} as JSON`, j.message)
    let wire: Uint8Array | undefined
    try {
      wire = encodeWire(call.value)
    } catch {
      /* deeper than JSON.stringify recurses: the JSON body above covers it */
    }
    if (wire) {
      const w = soften(judge(await api(method, wire, 'application/octet-stream')))
      tally(`http:malformed:${call.breakage}`, w.verdict, `${what} as wire`, w.message)
    }
    const v = soften(await invoke(method, ours, call.value))
    tally(`ipc:malformed:${call.breakage}`, v.verdict, what, v.message)
  }
  const invalidBodies: [string, string | Uint8Array][] = [
    ['application/json', '{'],
    ['application/json', '{"path":}'],
    ['application/json', 'NaN'],
    ['application/json', "{'path':'x'}"],
    ['application/json', '\u00ff\u00fe{}'],
    ['application/json', new Uint8Array([0xff, 0xfe, 0x00, 0x7b])],
    ['text/plain', JSON.stringify({ path: good })],
    ['application/x-www-form-urlencoded', 'path=' + encodeURIComponent(good)],
    ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="path"\r\n\r\n${good}\r\n--x--`],
    ['', JSON.stringify({ path: good })],
    ['application/json', encodeWire({ path: good })],
    ['application/octet-stream', new Uint8Array([0x45, 0x42, 0x57, 0x31, 0xff, 0xff, 0xff, 0x7f, 1, 2])]
  ]
  for (const [type, body] of invalidBodies) {
    const j = judge(await api('audioInfo', body, type))
    tally(type.startsWith('application/json') ? 'http:malformed:invalid-json' : 'http:malformed:wrong-content-type', j.verdict, `audioInfo with ${type || 'no content-type'}`, j.message)
  }
}

/** Oversized bodies: declared and streamed past the limit, for a small method and for uploads. */
export async function oversizedCases(d: DoorContext): Promise<void> {
  const { size, tally, port, token } = d
  const oversized: [string, Parameters<typeof send>[1]][] = [
    ['declared length 1 GB', { path: '/api/audioInfo', headers: { 'X-EB-Token': token, 'Content-Type': 'application/json', 'Content-Length': String(2 ** 30) }, body: '{}', timeoutMs: 20_000 }],
    ['audioInfo streamed 80 MB', { path: '/api/audioInfo', headers: { 'X-EB-Token': token, 'Content-Type': 'application/json' }, stream: { chunk: 1 << 20, total: 80 << 20 } }],
    ['importAudio declared 600 MB', { path: '/api/importAudio', headers: { 'X-EB-Token': token, 'Content-Type': 'application/octet-stream', 'Content-Length': String(600 << 20) }, body: 'x', timeoutMs: 20_000 }]
  ]
  if (size.uploadStream > 0) oversized.push(['importAudio streamed 530 MB', { path: '/api/importAudio', headers: { 'X-EB-Token': token, 'Content-Type': 'application/octet-stream' }, stream: { chunk: 1 << 20, total: size.uploadStream } }])
  for (const [what, req] of oversized) {
    const a = await send(port, req)
    const j = judge(a)
    tally('http:oversized', j.verdict === 'refused' && a.status !== 413 ? 'unclear' : j.verdict, what, j.message)
  }
  await parallelBodyCases(d)
  // A dataset "file" that never ends: refused unread, in one line, not read to V8's string limit.
  const zero = await d.api('importDataset', JSON.stringify({ kind: 'glove', path: '/dev/zero' }), 'application/json')
  const z = judge(zero)
  tally('http:oversized', z.verdict === 'refused' && zero.status !== 422 ? 'unclear' : z.verdict, 'importDataset glove /dev/zero', z.message)
  // The same through a dataset folder: its metadata files linked to /dev/zero.
  const devDir = await mkdtemp(join(tmpdir(), 'eb-doors-devices-'))
  try {
    for (const [kind, file] of [['mtat', 'annotations_final.csv'], ['vctk', 'speaker-info.txt'], ['mnist', 'train-images-idx3-ubyte']] as const) {
      const folder = join(devDir, kind)
      await mkdir(join(folder, 'wav48'), { recursive: true })
      await symlink('/dev/zero', join(folder, file))
      const a = await d.api('importDataset', JSON.stringify({ kind, path: folder }), 'application/json')
      const j = judge(a)
      tally('http:oversized', j.verdict === 'refused' && a.status !== 422 ? 'unclear' : j.verdict, `importDataset ${kind} with ${file} -> /dev/zero`, j.message)
    }
    // A checkpoint folder (as a library's checkpoints/ holds) whose weights.bin is a link to /dev/zero.
    const folder = join(devDir, 'checkpoint')
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] })
    await saveModel(model, folder)
    model.dispose()
    await rm(join(folder, WEIGHTS_BIN))
    await symlink('/dev/zero', join(folder, WEIGHTS_BIN))
    const loaded = await loadModel(folder).then(
      (m) => (m.dispose(), 'loaded'),
      (err: unknown) => (err instanceof UserError ? (err as Error).message : `not a UserError: ${String(err)}`)
    )
    tally('model:device-file', loaded.endsWith('not a regular file') ? 'refused' : 'let-through', 'loadModel with weights.bin -> /dev/zero', loaded)
  } finally {
    await rm(devDir, { recursive: true, force: true })
  }
}

/**
 * Bodies each under the per-call limit that never end, on parallel connections, past the bound on
 * all bodies held at once: a host with a 1 MB bound (the real one's is 584 MB) must answer a body
 * past it 429, one line, and give the bytes back when those clients go.
 */
async function parallelBodyCases(d: DoorContext): Promise<void> {
  const { tally, services, rendererDir } = d
  const small = await startHost({ services, rendererDir, port: 0, maxBufferedBytes: 1 << 20 })
  const headers = { 'X-EB-Token': small.token, 'Content-Type': 'application/json' }
  const sockets: Socket[] = []
  try {
    for (let i = 0; i < 5; i++) {
      const s = connect(small.port, '127.0.0.1')
      s.on('error', () => {})
      sockets.push(s)
      const chunk = 1 << 18
      s.write(`POST /api/audioInfo HTTP/1.1\r\nHost: 127.0.0.1:${small.port}\r\nX-EB-Token: ${small.token}\r\nTransfer-Encoding: chunked\r\n\r\n`)
      await new Promise<void>((r) => s.write(`${chunk.toString(16)}\r\n${' '.repeat(chunk)}\r\n`, () => r()))
    }
    let a: Answer = await send(small.port, { path: '/api/audioInfo', headers, body: ' '.repeat(1 << 18) })
    for (let i = 0; i < 100 && a.status !== 429; i++) {
      await new Promise((r) => setTimeout(r, 20))
      a = await send(small.port, { path: '/api/audioInfo', headers, body: ' '.repeat(1 << 18) })
    }
    const j = judge(a)
    tally('http:oversized', j.verdict === 'refused' && a.status !== 429 ? 'let-through' : j.verdict, '5 never-ending bodies of 256 KB past a 1 MB bound, then a sixth', j.message)
    for (const s of sockets) s.destroy()
    let after: Answer = a
    for (let i = 0; i < 100 && after.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 20))
      after = await send(small.port, { path: '/api/appInfo', headers, body: '' })
    }
    tally('http:oversized', after.status === 200 ? 'refused' : 'unclear', 'a call after the never-ending bodies\' clients went', after.body.toString('utf8').trim())
  } finally {
    for (const s of sockets) s.destroy()
    await small.close()
  }
}

/**
 * Slow clients (slowloris): headers that never finish, a body that stops half-way, on a host whose
 * timeouts are short (the real one's: 10 s for headers, 120 s a request). Each must get 408 with
 * one line and its socket closed, and the host must answer a call after them.
 */
export async function slowClientCases(d: DoorContext): Promise<void> {
  const { tally, services, rendererDir } = d
  const quick = await startHost({ services, rendererDir, port: 0, headersTimeoutMs: 300, requestTimeoutMs: 900 })
  const held = (text: string): Promise<string> =>
    new Promise((resolve) => {
      const s = connect(quick.port, '127.0.0.1', () => s.write(text))
      let answer = ''
      s.setEncoding('utf8')
      s.on('data', (c: string) => (answer += c))
      s.on('close', () => resolve(answer))
      s.on('error', () => resolve(answer))
      // Past any timeout the host could honour: still open is a hole.
      setTimeout(() => (s.destroy(), resolve(answer || 'still open after 10 s')), 10_000).unref()
    })
  try {
    const head = `POST /api/appInfo HTTP/1.1\r\nHost: 127.0.0.1:${quick.port}\r\nX-EB-Token: ${quick.token}\r\n`
    const cases: [string, string][] = [
      ['headers that never finish', head.slice(0, 30 + Math.floor(d.rng.uniform() * (head.length - 30)))],
      ['a body that stops half-way', `${head}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":`]
    ]
    for (const [what, text] of cases) {
      const answer = await held(text)
      const body = answer.split('\r\n\r\n')[1] ?? ''
      const verdict = /^HTTP\/1\.1 408 /.test(answer) && body.trim().split('\n').length === 1 ? 'refused' : answer.startsWith('HTTP/1.1 2') ? 'let-through' : 'unclear'
      tally('http:slow-client', verdict, what, body.trim() || answer.slice(0, 80))
    }
    const after = await send(quick.port, { path: '/api/appInfo', headers: { 'X-EB-Token': quick.token }, body: '' })
    tally('http:slow-client', after.status === 200 ? 'refused' : 'unclear', 'a call after the slow clients', after.body.toString('utf8').trim())
  } finally {
    await quick.close()
  }
}

/** Path traversal in every path argument, both doors. */
export async function traversalCases(d: DoorContext): Promise<void> {
  const { size, rng, api, invoke, ours, tally, good, services, dataDir, examplesDir, outside, before } = d
  const projectId = ((await services.handlers.createProject({ name: 'doors' })) as { id: string }).id
  const secret = join(outside, 'secret.wav')
  const evil = [
    join(dataDir, '..', 'outside', 'secret.wav'),
    `${dataDir}/imports/../../outside/secret.wav`,
    relative(process.cwd(), secret),
    `${dataDir}/%2e%2e/outside/secret.wav`,
    `${dataDir}/..%2foutside%2fsecret.wav`,
    join(dataDir, 'imports', 'link-out.wav'),
    join(dataDir, 'link-dir', 'secret.wav'),
    join(examplesDir, 'link-out.wav'),
    secret,
    join(outside, 'secret.txt'),
    '/etc/passwd',
    '/proc/self/environ',
    `${good}\u0000/../../outside/secret.wav`,
    `${secret}\u0000.wav`,
    `file://${secret}`,
    `${dataDir}\\..\\outside\\secret.wav`,
    `${examplesDir}/../outside/secret.wav`,
    // A refusal that quotes the path must still be one line.
    `${outside}/two\nlines\r\u001b[2J.wav`
  ]
  const clip = (path: string): unknown => ({
    id: projectId,
    name: 'doors',
    updatedAt: 0,
    tracks: [
      { id: 't1', kind: 'content', name: 'Content', muted: false, solo: false, clips: [{ id: 'c1', path, name: 'x', start: 0, duration: 1 }] },
      { id: 't2', kind: 'style', name: 'Style', muted: false, solo: false, clips: [] }
    ]
  })
  const pathArgs: [string, (p: string) => unknown][] = [
    ['audioInfo.path', (p) => ({ path: p })],
    ['loadAudio.path', (p) => ({ path: p })],
    ['audioPeaks.path', (p) => ({ path: p, peaksPerSecond: 10 })],
    ['spectrogram.path', (p) => ({ path: p })],
    ['exportAudio.path', (p) => ({ path: p })],
    ['startRender.contentPath', (p) => ({ contentPath: p, stylePath: good, options: { method: 'match' } })],
    ['startRender.stylePath', (p) => ({ contentPath: good, stylePath: p, options: { method: 'match' } })],
    ['tagAudio.path', (p) => ({ path: p })],
    ['applyChain.path', (p) => ({ path: p, chain: neutralChain() })],
    ['applyChain.stylePath', (p) => ({ path: good, chain: neutralChain(), stylePath: p })],
    ['startGeneration.melPath', (p) => ({ modelId: 1, seconds: 1, temperature: 1, seed: 0, melPath: p })],
    ['encodeLatent.path', (p) => ({ modelId: 1, path: p })],
    ['saveProject.tracks.clips.path', clip]
  ]
  for (let round = 0; round < size.traversalRounds; round++) {
    for (const [arg, make] of pathArgs) {
      const method = arg.split('.')[0]!
      if (!CONTRACT_METHODS.includes(method)) continue
      for (const p of evil) {
        // Round 0 sends every path as is; later rounds add a random prefix of harmless "./" hops.
        const path = round === 0 ? p : p.startsWith('/') ? p.replace(/^\//, '/' + './'.repeat(1 + Math.floor(rng.uniform() * 4))) : p
        const req = make(path)
        const shown = JSON.stringify(path).slice(0, 120)
        // "%2e%2e" is a folder name, not "..": a project may store such a (missing) clip inside the data folder.
        const storable = method === 'saveProject' && path.includes('%2')
        const soften = (x: { verdict: Verdict; message: string }): { verdict: Verdict; message: string } =>
          storable && x.verdict === 'let-through' ? { verdict: 'refused', message: 'stored: a name inside the data folder' } : x
        const j = soften(judge(await api(method, encodeWire(req), 'application/octet-stream')))
        tally('http:traversal', j.verdict, `${arg} = ${shown}`, j.message)
        const v = soften(await invoke(method, ours, req))
        tally('ipc:traversal', v.verdict, `${arg} = ${shown}`, v.message)
      }
    }
  }
  const after = await snapshot(outside)
  if (after !== before) tally('http:traversal', 'let-through', 'files outside the roots', `changed:\n${after}`)
  d.evil.push(...evil)
}

/** Tokens, Origin and Host on HTTP. */
export async function authCases(d: DoorContext): Promise<void> {
  const { tally, port, token } = d
  const auth: [string, Record<string, string>, string][] = [
    ['no token', {}, '/api/appInfo'],
    ['wrong token, same length', { 'X-EB-Token': token.replace(/./g, (c) => (c === 'a' ? 'b' : 'a')) }, '/api/appInfo'],
    ['token plus a character', { 'X-EB-Token': token + 'x' }, '/api/appInfo'],
    ['token prefix', { 'X-EB-Token': token.slice(0, 20) }, '/api/appInfo'],
    ['token upper-cased', { 'X-EB-Token': token.toUpperCase() }, '/api/appInfo'],
    ['empty token header', { 'X-EB-Token': '' }, '/api/appInfo'],
    ['wrong cookie', { Cookie: 'eb_token=nope' }, '/api/appInfo'],
    ['wrong query token over a right header', { 'X-EB-Token': token }, '/api/appInfo?token=wrong'],
    ['page without token', {}, '/'],
    ['asset without token', {}, '/assets/app.js']
  ]
  for (const [what, headers, path] of auth) {
    const method = path.startsWith('/api/') ? 'POST' : 'GET'
    const a = await send(port, { method, path, headers: { 'Content-Type': 'application/json', ...headers }, ...(method === 'POST' && { body: '{}' }) })
    const j = judge(a)
    tally('http:token', j.verdict === 'refused' && a.status !== 401 ? 'unclear' : j.verdict, what, j.message)
  }
  const foreignOrigins = ['https://evil.example', 'null', `http://127.0.0.1:${port + 1}`, `http://localhost.evil.example:${port}`, 'http://127.0.0.1', `https://127.0.0.1:${port}`]
  for (const o of foreignOrigins) {
    for (const path of ['/api/appInfo', '/api/createProject']) {
      const a = await send(port, { path, headers: { 'Content-Type': 'application/json', 'X-EB-Token': token, Origin: o }, body: path.endsWith('createProject') ? '{"name":"from evil"}' : '{}' })
      const j = judge(a)
      tally('http:origin', j.verdict === 'refused' && a.status !== 403 ? 'unclear' : j.verdict, `Origin ${o} ${path}`, j.message)
    }
  }
  for (const h of ['evil.example', `127.0.0.1:${port}.evil.example`, `127.0.0.1:${port + 1}`]) {
    const a = await send(port, { path: '/api/appInfo', headers: { 'Content-Type': 'application/json', 'X-EB-Token': token, Host: h }, body: '{}' })
    const j = judge(a)
    tally('http:host-header', j.verdict === 'refused' && a.status !== 403 && a.status !== 400 ? 'unclear' : j.verdict, `Host "${h}"`, j.message)
  }
}

/** WebSocket upgrades, and a frame larger than any client message. */
export async function webSocketCases(d: DoorContext): Promise<void> {
  const { size, tally, port, token, origin } = d
  const wsBase = `ws://127.0.0.1:${port}`
  const upgrades: [string, string, Record<string, string>][] = [
    ['no token', `${wsBase}/events`, {}],
    ['wrong token', `${wsBase}/events?token=${'x'.repeat(token.length)}`, {}],
    ['wrong cookie', `${wsBase}/events`, { Cookie: 'eb_token=nope' }],
    ['foreign Origin', `${wsBase}/events?token=${token}`, { Origin: 'https://evil.example' }],
    ['Origin null', `${wsBase}/events?token=${token}`, { Origin: 'null' }],
    ['other port Origin', `${wsBase}/events?token=${token}`, { Origin: `http://127.0.0.1:${port + 1}` }],
    ['other path', `${wsBase}/api/appInfo?token=${token}`, {}],
    ['foreign Host', `${wsBase}/events?token=${token}`, { Host: 'evil.example' }]
  ]
  for (const [what, url, headers] of upgrades) {
    const r = await tryWebSocket(url, headers)
    if (r.opened) r.ws?.terminate()
    tally('ws:upgrade', r.opened ? 'let-through' : r.status >= 400 && r.status < 500 ? 'refused' : 'unclear', what, r.opened ? 'opened' : `${r.status} ${r.error ?? ''}`)
  }
  const ok = await tryWebSocket(`${wsBase}/events?token=${token}`, { Origin: origin })
  if (!ok.opened || !ok.ws) tally('ws:upgrade', 'unclear', 'same-origin upgrade with the token', 'refused: the campaign cannot test frames')
  else {
    const code = await sendHugeFrame(ok.ws, size.hugeFrame, 10_000)
    tally('ws:huge-frame', code === 0 ? 'let-through' : code === 1009 ? 'refused' : 'unclear', `${size.hugeFrame} byte frame`, `close ${code}`)
  }
}

/** Binds to addresses other than loopback: the host must refuse to start. */
export async function bindCases(d: DoorContext): Promise<void> {
  const { tally, services, rendererDir } = d
  for (const bind of ['0.0.0.0', '::', '192.0.2.1', '10.0.0.1', 'example.com', '127.0.0.2', '::ffff:0.0.0.0', '']) {
    try {
      const h = await startHost({ services, rendererDir, port: 0, bind })
      await h.close()
      tally('host:bind', 'let-through', `bind "${bind}"`, 'started')
    } catch (err) {
      const message = (err as Error).message
      tally('host:bind', clearLine(message) && (err as Error).name === 'UserError' ? 'refused' : 'unclear', `bind "${bind}"`, message)
    }
  }
}

/** The IPC door's own refusals: foreign senders and extra arguments. */
export async function ipcSenderCases(d: DoorContext): Promise<void> {
  const { invoke, ours, tally, good } = d
  const foreign: [string, IpcEventLike][] = [
    ['another window', { sender: { id: 2 }, senderFrame: { url: APP_URL } }],
    ['our window on a foreign page', { sender: { id: 1 }, senderFrame: { url: 'https://evil.example/' } }],
    ['a frame-less event', { sender: { id: 1 }, senderFrame: null }],
    ['a look-alike URL', { sender: { id: 1 }, senderFrame: { url: APP_URL + '.evil/index.html' } }]
  ]
  for (const [what, event] of foreign) {
    for (const method of ['appInfo', 'createProject', 'exportAudio']) {
      const v = await invoke(method, event, method === 'createProject' ? { name: 'x' } : method === 'exportAudio' ? { path: good } : undefined)
      tally('ipc:sender', v.verdict, `${what} calls ${method}`, v.message)
    }
  }
  const twoArgs = await invoke('createProject', ours, { name: 'x' }, { name: 'y' })
  tally('ipc:malformed:extra-argument', twoArgs.verdict, 'createProject with two arguments', twoArgs.message)
}

/** The static files: traversal out of the renderer folder (a symlink in it too), prototype names as methods, headers past Node's limit, and bytes that are not HTTP at all. */
export async function staticAndRawCases(d: DoorContext): Promise<void> {
  const { api, tally, port, token } = d
  for (const path of ['/..%2fsecret.txt', '/%2e%2e/outside/secret.txt', '/assets/..%2f..%2f..%2foutside%2fsecret.txt', '/link-out.txt', '/link-dir/secret.txt', '//etc/passwd', '/%00index.html']) {
    const a = await send(port, { method: 'GET', path, headers: { 'X-EB-Token': token } })
    const j = judge(a)
    tally('http:static-traversal', j.verdict, `GET ${path}`, j.message)
  }
  for (const method of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'appInfo%00', '..%2fappInfo']) {
    const j = judge(await api(method, '{}', 'application/json'))
    tally('http:unknown-method', j.verdict, `/api/${method}`, j.message)
  }
  const bigHeader = await send(port, { path: '/api/appInfo', headers: { 'Content-Type': 'application/json', 'X-EB-Token': token, 'X-Pad': 'p'.repeat(64 * 1024) }, body: '{}' })
  tally('http:oversized', judge(bigHeader).verdict, '64 KB header', judge(bigHeader).message)
  for (const raw of ['GARBAGE\r\n\r\n', `POST /api/appInfo HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: -1\r\n\r\n`, `POST /api/appInfo HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\nzz\r\n`]) {
    const a = await sendRaw(port, raw)
    const j = judge(a)
    tally('http:malformed:not-http', j.verdict, JSON.stringify(raw.slice(0, 40)), j.message)
  }
}

/** A flood: hundreds of concurrent calls, good and bad; then the host must still answer. */
export async function floodCases(d: DoorContext): Promise<void> {
  const { size, rng, api, tally, note, port, counts, alive, evil } = d
  const floodCalls = Array.from({ length: size.flood }, (_, i) => {
    const r = rng.uniform()
    if (r < 0.4) return api('appInfo', '{}', 'application/json').then((a) => ['good', a] as const)
    if (r < 0.6) return send(port, { path: '/api/listProjects', headers: { 'Content-Type': 'application/json' }, body: '{}' }).then((a) => ['no-token', a] as const)
    if (r < 0.8) return api('audioInfo', JSON.stringify({ path: evil[i % evil.length] }), 'application/json').then((a) => ['traversal', a] as const)
    return api('createProject', '{"name":', 'application/json').then((a) => ['malformed', a] as const)
  })
  const flood = await Promise.all(floodCalls)
  for (const [kind, a] of flood) {
    if (kind === 'good') {
      counts.cases['http:flood'] = (counts.cases['http:flood'] ?? 0) + 1
      if (a.status !== 200) note(`flood: a good call answered ${a.status} ${a.error ?? ''}`)
    } else {
      const j = judge(a)
      tally('http:flood', j.verdict, `flood ${kind}`, j.message)
    }
  }
  if (!(await alive())) {
    counts.crashes++
    note('CRASH the host stopped answering after the flood')
  }
}
