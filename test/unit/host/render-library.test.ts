import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LibraryChange, Project, StylizeReport } from '../../../src-preload/api'
import { createServices, type Services } from '../../../src-main/api/services'
import { withLibrary } from '../../../src-main/api/library'

const root = fileURLToPath(new URL('../../../', import.meta.url))

describe('render library service (list and delete renders)', () => {
  let dir: string
  let services: Services
  const changes: LibraryChange[] = []

  /** Records a render whose output is `file` (written unless `write` is false); returns its id. */
  const addRender = async (file: string, write = true): Promise<number> => {
    if (write) await writeFile(file, 'RIFF....WAVE')
    return withLibrary(dir, (lib) =>
      lib.renders.add({ method: 'texture', inputs: { content: '/c.wav', style: '/s.wav' }, params: { options: { iterations: 5, seed: 1 } }, outputPath: file, metrics: { contentDistance: 0.25 } })
    )
  }
  const integrity = (): Promise<string> => withLibrary(dir, (lib) => lib.integrityCheck())

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-renderlib-'))
    await mkdir(join(dir, 'renders'), { recursive: true })
    services = await createServices({ dataDir: dir, examplesDir: join(root, 'resources', 'examples'), platform: 'web', version: '0' })
    services.events.on((event, payload) => {
      if (event === 'libraryChanged') changes.push(payload as LibraryChange)
    })
  })
  afterAll(async () => {
    await services?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('lists renders with inputs, options, measures and the file size', async () => {
    const id = await addRender(join(dir, 'renders', 'a.wav'))
    const [r] = (await services.handlers.listRenders()).filter((x) => x.id === id)
    expect(r).toMatchObject({ method: 'texture', contentPath: '/c.wav', stylePath: '/s.wav', sizeBytes: 12, metrics: { contentDistance: 0.25 }, options: { iterations: 5, seed: 1 } })
  })

  it('deletes the row and the project track holding it in one commit, then the file', async () => {
    const file = join(dir, 'renders', 'b.wav')
    const id = await addRender(file)
    const created = await services.handlers.createProject({ name: 'P' })
    const report = { method: 'texture' } as unknown as StylizeReport
    const project: Project = {
      ...created,
      tracks: [
        ...created.tracks,
        { id: 'o', kind: 'output', name: 'texture #1', muted: false, solo: false, clips: [{ id: 'c', path: file, name: 'b.wav', start: 0, duration: 1 }], render: { renderId: String(id), contentPath: '/c.wav', stylePath: '/s.wav', report } }
      ]
    }
    await services.handlers.saveProject(project)
    expect((await services.handlers.loadProject({ id: created.id })).tracks).toHaveLength(3)
    changes.length = 0
    expect(await services.handlers.deleteRender({ id })).toEqual({ deleted: true, fileRemoved: true, fileNote: null, projectIds: [created.id] })
    expect(existsSync(file)).toBe(false)
    expect((await services.handlers.listRenders()).some((r) => r.id === id)).toBe(false)
    expect((await services.handlers.loadProject({ id: created.id })).tracks.map((t) => t.kind)).toEqual(['content', 'style'])
    expect(changes).toEqual([{ kind: 'render', id: String(id) }, { kind: 'project', id: created.id }])
    expect(await integrity()).toBe('ok')
  })

  it('deletes a render whose file is already gone, and says so', async () => {
    const id = await addRender(join(dir, 'renders', 'never-written.wav'), false)
    expect(await services.handlers.deleteRender({ id })).toMatchObject({ deleted: true, fileRemoved: false, fileNote: 'its file was already gone' })
    expect(await integrity()).toBe('ok')
  })

  it('reports a file that cannot be removed, with no row left behind', async () => {
    // A directory in the file's place: unlink refuses it (root may delete read-only files, not this).
    const path = join(dir, 'renders', 'stuck.wav')
    await mkdir(path)
    await writeFile(join(path, 'x'), '')
    const id = await addRender(path, false)
    const out = await services.handlers.deleteRender({ id })
    expect(out.fileRemoved).toBe(false)
    expect(out.fileNote).toMatch(/^its file .*stuck\.wav could not be removed \(.+\); remove it by hand$/)
    expect((await services.handlers.listRenders()).some((r) => r.id === id)).toBe(false)
    expect(await integrity()).toBe('ok')
  })

  it('never removes a file outside the data folder', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'eb-outside-'))
    try {
      const file = join(outside, 'keep.wav')
      const id = await addRender(file)
      expect((await services.handlers.deleteRender({ id })).fileNote).toMatch(/outside the data folder and was left in place$/)
      expect(existsSync(file)).toBe(true)
    } finally {
      await rm(outside, { recursive: true, force: true })
    }
  })

  it('refuses a render that is not there in one line, the library unchanged', async () => {
    const before = await withLibrary(dir, (lib) => lib.snapshot())
    await expect(services.handlers.deleteRender({ id: 424242 })).rejects.toThrow('render 424242: no such render in the library')
    expect(await withLibrary(dir, (lib) => lib.snapshot())).toEqual(before)
  })
})
