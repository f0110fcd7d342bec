import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channelFor, METHOD_NAMES, type Envelope } from '../../../src-preload/api'
import { encodeWav } from '../../../src-main/audio/wav'
import { createServices, type Services } from '../../../src-main/api/services'
import { createDispatcher } from '../../../src-main/ipc/dispatch'
import { createIpcManager, trustedSenders, type IpcEventLike, type IpcMainLike } from '../../../src-main/ipc/manager'

type Listener = (event: IpcEventLike, ...args: unknown[]) => Promise<Envelope>

/** An ipcMain-like registry: records handlers by channel and lets the test invoke them. */
function registry(): IpcMainLike & { handlers: Map<string, Listener>; invoke(channel: string, event: IpcEventLike, ...args: unknown[]): Promise<Envelope> } {
  const handlers = new Map<string, Listener>()
  return {
    handlers,
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      handlers.set(channel, listener)
    },
    removeHandler(channel) {
      handlers.delete(channel)
    },
    invoke(channel, event, ...args) {
      const h = handlers.get(channel)
      if (!h) throw new Error(`no handler for ${channel}`)
      return h(event, ...args)
    }
  }
}

const APP_URL = 'file:///opt/electric-beats/out/renderer/index.html'
const ours: IpcEventLike = { sender: { id: 1 }, senderFrame: { url: APP_URL } }

describe('IPC manager', () => {
  let dir: string
  let services: Services
  const ipc = registry()

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-ipc-'))
    services = await createServices({ dataDir: join(dir, 'data'), examplesDir: join(dir, 'examples'), platform: 'electron', version: '9.9.9' })
    createIpcManager({
      ipc,
      isTrustedSender: trustedSenders({ windowIds: () => [1], isAppUrl: (u) => u.split(/[?#]/)[0] === APP_URL }),
      dispatch: createDispatcher(services.handlers, () => {})
    })
  })
  afterAll(async () => {
    await services.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('registers one handler per contract method', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(METHOD_NAMES.map(channelFor).sort())
  })

  it('answers the app window', async () => {
    const r = await ipc.invoke(channelFor('appInfo'), ours)
    expect(r).toEqual({ ok: true, value: { name: 'Electric Beats', version: '9.9.9', platform: 'electron', nativeDialogs: false } })
  })

  it('refuses a sender that is not one of our windows', async () => {
    const foreign: IpcEventLike = { sender: { id: 42 }, senderFrame: { url: APP_URL } }
    const r = await ipc.invoke(channelFor('listProjects'), foreign)
    expect(r).toEqual({ ok: false, code: 'forbidden', error: 'listProjects: refused, the sender is not an Electric Beats window' })
  })

  it('refuses our window once it shows a foreign page, and a frame-less event', async () => {
    const navigated: IpcEventLike = { sender: { id: 1 }, senderFrame: { url: 'https://evil.example/' } }
    expect((await ipc.invoke(channelFor('createProject'), navigated, { name: 'x' })).ok).toBe(false)
    expect((await ipc.invoke(channelFor('appInfo'), { sender: { id: 1 }, senderFrame: null })).ok).toBe(false)
    // Nothing was created by the refused call.
    const list = await ipc.invoke(channelFor('listProjects'), ours)
    expect(list).toEqual({ ok: true, value: [] })
  })

  it('rejects malformed payloads with a clear line, without calling the service', async () => {
    const wrongType = await ipc.invoke(channelFor('createProject'), ours, { name: 42 })
    expect(wrongType).toMatchObject({ ok: false, code: 'invalid' })
    expect((wrongType as { error: string }).error).toMatch(/^createProject: invalid name: /)
    const extraKey = await ipc.invoke(channelFor('loadProject'), ours, { id: '1', sql: 'DROP TABLE projects' })
    expect(extraKey).toMatchObject({ ok: false, code: 'invalid' })
    const missing = await ipc.invoke(channelFor('audioPeaks'), ours, { path: '/x.wav' })
    expect((missing as { error: string }).error).toMatch(/^audioPeaks: invalid peaksPerSecond: /)
    const notObject = await ipc.invoke(channelFor('startRender'), ours, 'rm -rf /')
    expect(notObject).toMatchObject({ ok: false, code: 'invalid' })
    const twoArgs = await ipc.invoke(channelFor('appInfo'), ours, undefined, 'extra')
    expect(twoArgs).toEqual({ ok: false, code: 'invalid', error: 'appInfo: expected one argument, got 2' })
    const badOptions = await ipc.invoke(channelFor('startRender'), ours, { contentPath: 'a.wav', stylePath: 'b.wav', options: { iterations: -5 } })
    expect((badOptions as { error: string }).error).toMatch(/^startRender: invalid options\.iterations: /)
  })

  it('turns a service UserError into one line with code "user"', async () => {
    const r = await ipc.invoke(channelFor('loadProject'), ours, { id: '999' })
    expect(r).toEqual({ ok: false, code: 'user', error: 'project 999: no such project' })
  })

  it('refuses to read files outside the data dir and the examples', async () => {
    const r = await ipc.invoke(channelFor('exportAudio'), ours, { path: '/etc/passwd' })
    expect(r).toEqual({ ok: false, code: 'user', error: 'audio /etc/passwd: outside the data folder and the bundled examples' })
  })

  it('accepts upload bytes as an ArrayBuffer or a typed-array view (what Electron IPC may deliver)', async () => {
    const wav = encodeWav([new Float32Array(800).fill(0.25)], 8000, { float: true })
    const padded = new Uint8Array(wav.byteLength + 16)
    padded.set(wav, 8)
    const view = padded.subarray(8, 8 + wav.byteLength)
    const fromView = await ipc.invoke(channelFor('importAudio'), ours, { name: 'view.wav', data: view })
    expect(fromView).toMatchObject({ ok: true, value: { name: 'view.wav', sampleRate: 8000 } })
    const fromBuffer = await ipc.invoke(channelFor('importAudio'), ours, { name: 'buf.wav', data: wav.slice().buffer })
    expect(fromBuffer).toMatchObject({ ok: true, value: { name: 'buf.wav', duration: 0.1 } })
    const notBytes = await ipc.invoke(channelFor('importAudio'), ours, { name: 'x.wav', data: 'UklGRg==' })
    expect(notBytes).toEqual({ ok: false, code: 'invalid', error: 'importAudio: invalid data: expected binary data (ArrayBuffer)' })
    const empty = await ipc.invoke(channelFor('importAudio'), ours, { name: 'x.wav', data: new ArrayBuffer(0) })
    expect(empty).toEqual({ ok: false, code: 'invalid', error: 'importAudio: invalid data: file is empty' })
  })

  it('unknown methods get a clear error from the dispatcher', async () => {
    const dispatch = createDispatcher(services.handlers, () => {})
    expect(await dispatch('deleteEverything', {})).toEqual({ ok: false, code: 'unknown-method', error: 'unknown method "deleteEverything"' })
  })

  it('dispose removes every handler', () => {
    const own = registry()
    const m = createIpcManager({ ipc: own, isTrustedSender: () => true, dispatch: createDispatcher(services.handlers) })
    expect(own.handlers.size).toBe(METHOD_NAMES.length)
    m.dispose()
    expect(own.handlers.size).toBe(0)
  })
})
