/**
 * Regression tests for the holes the doors campaign (bench/reliability/doors.ts, issue 18) found
 * behind the IPC manager, with the smallest inputs that showed them: saveProject stored clips that
 * name files outside the data folder and the examples (directly, by `../` or through a symlink),
 * and a refusal quoting a path with a line break came back as two lines. Clips a project already
 * holds are kept on save (a packaged app's examples move), so the check never locks a project.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channelFor, type Envelope, type Project } from '../../../src-preload/api'
import { createServices, type Services } from '../../../src-main/api/services'
import { Library } from '../../../src-main/library/library'
import { createDispatcher } from '../../../src-main/ipc/dispatch'
import { createIpcManager, type IpcEventLike } from '../../../src-main/ipc/manager'

const ours: IpcEventLike = { sender: { id: 1 }, senderFrame: { url: 'file:///app/index.html' } }

describe('IPC doors', () => {
  let dir: string
  let dataDir: string
  let services: Services
  const handlers = new Map<string, (e: IpcEventLike, ...args: unknown[]) => Promise<Envelope>>()
  const invoke = (method: string, req: unknown): Promise<Envelope> => handlers.get(channelFor(method as never))!(ours, req)

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-doors-ipc-'))
    dataDir = join(dir, 'data')
    await mkdir(join(dir, 'outside'), { recursive: true })
    await mkdir(dataDir, { recursive: true })
    await writeFile(join(dir, 'outside', 'secret.wav'), 'x')
    await symlink(join(dir, 'outside'), join(dataDir, 'link'))
    services = await createServices({ dataDir, examplesDir: join(dir, 'examples'), platform: 'electron', version: '0' })
    createIpcManager({
      ipc: { handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) },
      isTrustedSender: () => true,
      dispatch: createDispatcher(services.handlers, () => {})
    })
  })
  afterAll(async () => {
    await services.close()
    await rm(dir, { recursive: true, force: true })
  })

  const withClip = (p: Project, path: string): Project => ({
    ...p,
    tracks: [{ ...p.tracks[0]!, clips: [{ id: 'c', path, name: 'c.wav', start: 0, duration: 1 }] }, p.tracks[1]!]
  })

  it('saveProject refuses a clip outside the data folder and the examples, and keeps the stored project', async () => {
    const p = (await invoke('createProject', { name: 'doors' })) as { ok: true; value: Project }
    for (const path of [join(dir, 'outside', 'secret.wav'), join(dataDir, '..', 'outside', 'secret.wav'), join(dataDir, 'link', 'secret.wav'), '/etc/passwd']) {
      const r = await invoke('saveProject', withClip(p.value, path))
      expect(r).toEqual({ ok: false, code: 'user', error: `project "doors": clip ${path}: outside the data folder and the bundled examples` })
    }
    const nul = await invoke('saveProject', withClip(p.value, `${dataDir}/a.wav\u0000/../../outside/secret.wav`))
    expect(nul).toMatchObject({ ok: false, code: 'user', error: expect.stringContaining('contains a NUL byte') })
    expect(((await invoke('loadProject', { id: p.value.id })) as { value: Project }).value.tracks[0]!.clips).toEqual([])
    // A clip inside the data folder whose file is gone (a deleted render) is still saved.
    expect(await invoke('saveProject', withClip(p.value, join(dataDir, 'renders', 'gone.wav')))).toMatchObject({ ok: true })
  })

  it('saveProject keeps a clip the project already holds, even one outside the roots now (examples that moved)', async () => {
    const p = ((await invoke('createProject', { name: 'moved' })) as { value: Project }).value
    const moved = join(dir, 'old-mount', 'examples', 'content-voice.wav')
    const lib = Library.open(dataDir)
    lib.projects.save({
      id: Number(p.id),
      name: 'moved',
      bpm: 120,
      sampleRate: 44100,
      tracks: [
        { name: 'Content', gainDb: 0, pan: 0, muted: false, solo: false, clips: [{ sourcePath: moved, startS: 0, offsetS: 0, durationS: 1, gainDb: 0, renderId: null }] },
        { name: 'Style', gainDb: 0, pan: 0, muted: false, solo: false, clips: [] }
      ]
    })
    lib.close()
    const stored = ((await invoke('loadProject', { id: p.id })) as { value: Project }).value
    expect(await invoke('saveProject', { ...stored, name: 'moved, renamed' })).toMatchObject({ ok: true })
    // A second clip outside the roots is still refused.
    const more = { ...stored, tracks: [stored.tracks[0]!, { ...stored.tracks[1]!, clips: [{ id: 'n', path: join(dir, 'outside', 'secret.wav'), name: 's', start: 0, duration: 1 }] }] }
    expect(await invoke('saveProject', more)).toMatchObject({ ok: false, code: 'user' })
  })

  it('a refusal quoting a path with a line break is one line', async () => {
    const r = await invoke('audioInfo', { path: '/no/such\nfile.wav' })
    expect(r).toEqual({ ok: false, code: 'user', error: 'audio /no/such\\nfile.wav: file not found' })
  })
})
