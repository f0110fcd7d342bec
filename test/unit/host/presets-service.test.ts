import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobFinished, LibraryChange, StylizeReport } from '../../../src-preload/api'
import { createServices, type Services } from '../../../src-main/api/services'
import { closeJobPool } from '../../../src-main/api/jobs'
import { createDispatcher } from '../../../src-main/ipc/dispatch'
import { neutralChain } from '../../../src-main/engine/effects/chain'

const examples = resolve('resources/examples')
const content = join(examples, 'content-voice.wav')
const style = join(examples, 'style-voice.wav')

describe('preset service and applyChain (the chain panel\'s methods)', { timeout: 120_000 }, () => {
  let dir: string
  let services: Services
  const changes: LibraryChange[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-presets-'))
    services = await createServices({ dataDir: dir, examplesDir: examples, platform: 'web', version: '0' })
    services.events.on((event, payload) => {
      if (event === 'libraryChanged') changes.push(payload as LibraryChange)
    })
  })
  afterAll(async () => {
    await services.close()
    await closeJobPool()
    await rm(dir, { recursive: true, force: true })
  })

  it('saves, lists, renames and deletes presets, saying so on the event stream', async () => {
    const h = services.handlers
    const saved = await h.savePreset({ name: 'Warm', chain: { ...neutralChain(), amount: 0.5 } })
    expect(saved).toMatchObject({ name: 'Warm', chain: { amount: 0.5 }, problem: null, sourceRenderId: null })
    expect(changes).toContainEqual({ kind: 'preset', id: String(saved.id) })
    expect((await h.renamePreset({ id: saved.id, name: 'Warmer' })).name).toBe('Warmer')
    expect((await h.listPresets()).map((p) => p.name)).toEqual(['Warmer'])
    await expect(h.renamePreset({ id: 999, name: 'x' })).rejects.toThrow('preset 999: not in the library')
    expect(await h.deletePreset({ id: saved.id })).toEqual({ deleted: true })
    expect(await h.listPresets()).toEqual([])
  })

  it('refuses an out-of-range chain at the boundary, naming the parameter', async () => {
    const dispatch = createDispatcher(services.handlers, () => {})
    const bad = { ...neutralChain(), compressor: { ...neutralChain().compressor, ratio: 80 } }
    expect(await dispatch('applyChain', { path: content, chain: bad })).toEqual({
      ok: false,
      code: 'invalid',
      error: 'applyChain: invalid chain: compressor.ratio: 80 is out of range (maximum 50)'
    })
    expect(await dispatch('applyChain', { path: content })).toMatchObject({ ok: false, error: 'applyChain: invalid request: give exactly one of chain and presetId' })
    expect(await dispatch('savePreset', { name: 'n'.repeat(201), chain: neutralChain() })).toMatchObject({ ok: false, error: 'preset name: 201 characters, at most 200' })
    expect(await dispatch('savePreset', { name: 'Dup', chain: neutralChain() })).toMatchObject({ ok: true })
    expect(await dispatch('savePreset', { name: 'dup', chain: neutralChain() })).toMatchObject({ ok: false, error: expect.stringMatching(/^preset name: "dup" is taken by preset \d+$/) })
    await services.handlers.deletePreset({ id: (await services.handlers.listPresets()).find((p) => p.name === 'Dup')!.id })
    expect(await dispatch('savePreset', { name: 'x', chain: { version: 3 } })).toMatchObject({ ok: false, error: 'applyChain: invalid chain: version 3 was written by a newer Electric Beats (this one reads up to 1)'.replace('applyChain', 'savePreset') })
  })

  it('applies a preset to a clip as a new output track of the project, measured against the style', async () => {
    const h = services.handlers
    const project = await h.createProject({ name: 'chain' })
    const preset = await h.savePreset({ name: 'Loud', chain: { ...neutralChain(), output: { loudness: -14, truePeak: -1 } } })
    const out = await h.applyChain({ path: content, presetId: preset.id, projectId: project.id, stylePath: style })
    expect(out.loudness!).toBeCloseTo(-14, 0)
    expect(out.audio.path.startsWith(join(dir, 'renders'))).toBe(true)
    expect(out.render?.report).toMatchObject({ method: 'match', chain: { output: { loudness: -14 } }, fit: { evaluations: 0 } })
    expect(out.render?.report.measures?.output.loudness).toBeCloseTo(out.loudness!, 5)
    const tracks = (await h.loadProject({ id: project.id })).tracks
    expect(tracks.map((t) => t.kind)).toEqual(['content', 'style', 'output'])
    expect(tracks[2]).toMatchObject({ name: 'match #1', clips: [{ path: out.audio.path }], render: { renderId: out.render!.renderId } })
  })

  it("edits a render's chain: a new render of the same inputs with the edited chain, no new track", async () => {
    const h = services.handlers
    const project = await h.createProject({ name: 'edit' })
    const first = await h.applyChain({ path: content, chain: neutralChain(), projectId: project.id, stylePath: style })
    const edited = { ...neutralChain(), reverb: { ...neutralChain().reverb, wet: 0.4, decay: 1.2 } }
    const out = await h.applyChain({ path: content, chain: edited, projectId: project.id, renderId: first.render!.renderId })
    const report = out.render!.report as StylizeReport
    expect(report.chain).toEqual(edited)
    // Measured at the render's rate against the same style: the content's baseline distance is the render's.
    expect(report.styleDistance.content).toBeCloseTo(first.render!.report.styleDistance.content, 6)
    expect(report.measures!.output.rt60).not.toBeNull()
    expect(out.render!.renderId).not.toBe(first.render!.renderId)
    // An edit is cut at its content's length (as the match render it edits), unless the tail is asked for.
    expect(out.tail).toBe(0)
    expect(out.audio.duration).toBe(first.audio.duration)
    const tailed = await h.applyChain({ path: content, chain: edited, projectId: project.id, renderId: out.render!.renderId, keepLength: false })
    expect(tailed.tail).toBeGreaterThan(1)
    expect(tailed.audio.duration).toBeCloseTo(first.audio.duration + tailed.tail, 3)
    expect((await h.loadProject({ id: project.id })).tracks.filter((t) => t.kind === 'output')).toHaveLength(1)
  })

  it("a net-zero edit of a match render renders at the render's 44.1 kHz, not the content file's 16 kHz: the same output bit for bit, the same baseline", async () => {
    const h = services.handlers
    const project = await h.createProject({ name: 'match edit' })
    const radio = join(examples, 'style-voice-radio.wav')
    const finished = new Promise<JobFinished>((done) => {
      const off = services.events.on((event, payload) => {
        if (event === 'jobFinished') {
          off()
          done(payload as JobFinished)
        }
      })
    })
    await h.startRender({ contentPath: content, stylePath: radio, options: { method: 'match' }, projectId: project.id })
    const render = (await finished).output!
    expect(render.audio.sampleRate).toBe(44_100)
    const out = await h.applyChain({ path: content, chain: render.report.chain!, projectId: project.id, renderId: render.renderId })
    expect(out.audio).toMatchObject({ sampleRate: 44_100, channels: 1 })
    expect((await readFile(out.audio.path)).equals(await readFile(render.audio.path))).toBe(true)
    const report = out.render!.report
    expect(report.sampleRate).toBe(44_100)
    expect(report.styleDistance).toEqual(render.report.styleDistance)
    expect(report.measures).toEqual(render.report.measures)
  })

  it('cancels a superseded edit by the id the caller gave it', async () => {
    const h = services.handlers
    const pending = h.applyChain({ path: content, chain: neutralChain(), jobId: 'edit-1' })
    expect(await h.cancelJob({ jobId: 'edit-1' })).toEqual({ cancelled: true })
    await expect(pending).rejects.toThrow('applyChain: cancelled (a newer edit replaced it)')
    expect(await h.cancelJob({ jobId: 'edit-1' })).toEqual({ cancelled: false })
  })

  it('refuses files outside the data folder and the examples', async () => {
    await expect(services.handlers.applyChain({ path: '/etc/hostname', chain: neutralChain() })).rejects.toThrow('outside the data folder and the bundled examples')
  })
})
