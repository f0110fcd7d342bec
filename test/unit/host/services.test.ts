import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LibraryChange, Project, StylizeReport } from '../../../src-preload/api'
import { createServices, type Services } from '../../../src-main/api/services'
import { computePeaks, computeSpectrogram } from '../../../src-main/api/audio'
import { createProjectService } from '../../../src-main/api/projects'
import { Library } from '../../../src-main/library/library'

const report: StylizeReport = {
  method: 'gram',
  backend: 'cpu',
  optimizer: 'lbfgs',
  sampleRate: 22050,
  nFft: 1024,
  hop: 256,
  filters: 512,
  iterations: 20,
  wallMs: 1234,
  peakRssMb: 300,
  finalLoss: 0.5,
  styleDistance: { content: 12.5, output: 3.25 },
  contentDistance: 0.42
}

describe('project service', () => {
  let dir: string
  let services: Services
  const changes: LibraryChange[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-services-'))
    services = await createServices({ dataDir: dir, examplesDir: join(dir, 'none'), platform: 'web', version: '0' })
    services.events.on((event, payload) => {
      if (event === 'libraryChanged') changes.push(payload as LibraryChange)
    })
  })
  afterAll(async () => {
    await services.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('creates a project with an empty content and style track', async () => {
    const p = await services.handlers.createProject({ name: 'Vocal test' })
    expect(p.tracks.map((t) => [t.kind, t.name, t.clips.length])).toEqual([
      ['content', 'Content', 0],
      ['style', 'Style', 0]
    ])
    expect(changes).toContainEqual({ kind: 'project', id: p.id })
  })

  it('saves tracks, clips and the render an output came from, and reopens them', async () => {
    const p = await services.handlers.createProject({ name: 'Round trip' })
    const clip = (name: string, duration: number) => ({ id: `tmp-${name}`, path: join(dir, name), name, start: 0, duration })
    // A render recorded the way the render service records one.
    const lib = Library.open(dir)
    const renderId = lib.renders.add({ method: 'gram', inputs: { content: join(dir, 'c.wav'), style: join(dir, 's.wav') }, params: { report: { ...report } }, outputPath: join(dir, 'o.wav') })
    lib.close()
    const edited: Project = {
      ...p,
      tracks: [
        { ...p.tracks[0]!, clips: [clip('c.wav', 2.5)], muted: true },
        { ...p.tracks[1]!, clips: [clip('s.wav', 4)], solo: true },
        { id: 'new', kind: 'output', name: 'gram #1', muted: false, solo: false, clips: [clip('o.wav', 2.5)], render: { renderId: String(renderId), contentPath: join(dir, 'c.wav'), stylePath: join(dir, 's.wav'), report } }
      ]
    }
    const summary = await services.handlers.saveProject(edited)
    expect(summary).toMatchObject({ id: p.id, name: 'Round trip' })
    const back = await services.handlers.loadProject({ id: p.id })
    expect(back.tracks.map((t) => [t.kind, t.name, t.muted, t.solo, t.clips.map((c) => [c.name, c.path, c.duration])])).toEqual([
      ['content', 'Content', true, false, [['c.wav', join(dir, 'c.wav'), 2.5]]],
      ['style', 'Style', false, true, [['s.wav', join(dir, 's.wav'), 4]]],
      ['output', 'gram #1', false, false, [['o.wav', join(dir, 'o.wav'), 2.5]]]
    ])
    expect(back.tracks[2]!.render).toEqual({ renderId: String(renderId), contentPath: join(dir, 'c.wav'), stylePath: join(dir, 's.wav'), report })
    expect((await services.handlers.listProjects())[0]).toMatchObject({ id: p.id, name: 'Round trip' })
  })

  it('appends a finished render to its project once, named like the app names it', async () => {
    const p = await services.handlers.createProject({ name: 'Background render' })
    const out = { renderId: '0', audio: { path: join(dir, 'r.wav'), name: 'r.wav', duration: 1.5, sampleRate: 22050, channels: 1 }, report }
    const lib = Library.open(dir)
    out.renderId = String(lib.renders.add({ method: 'gram', inputs: { content: 'c', style: 's' }, params: { report: { ...report } }, outputPath: out.audio.path }))
    lib.close()
    const before = changes.length
    const service = await createProjectService({ dataDir: dir, events: services.events })
    service.addOutput(p.id, out)
    service.addOutput(p.id, out)
    service.close()
    const back = await services.handlers.loadProject({ id: p.id })
    expect(back.tracks.map((t) => [t.kind, t.name])).toEqual([
      ['content', 'Content'],
      ['style', 'Style'],
      ['output', 'gram #1']
    ])
    expect(back.tracks[2]!.clips.map((c) => [c.path, c.duration])).toEqual([[join(dir, 'r.wav'), 1.5]])
    expect(back.tracks[2]!.render?.renderId).toBe(out.renderId)
    expect(changes.slice(before)).toEqual([{ kind: 'project', id: p.id }])
  })

  it('refuses tracks out of order (content, style, then outputs) and keeps the stored version', async () => {
    const p = await services.handlers.createProject({ name: 'Order' })
    const swapped = { ...p, tracks: [p.tracks[1]!, p.tracks[0]!] }
    await expect(services.handlers.saveProject(swapped)).rejects.toThrow('project "Order": track 1 "Style" must be a content track, not style')
    expect((await services.handlers.loadProject({ id: p.id })).tracks[0]!.kind).toBe('content')
  })

  it('deletes a project', async () => {
    const p = await services.handlers.createProject({ name: 'Gone' })
    expect(await services.handlers.deleteProject({ id: p.id })).toEqual({ deleted: true })
    await expect(services.handlers.loadProject({ id: p.id })).rejects.toThrow(`project ${p.id}: no such project`)
    expect(await services.handlers.deleteProject({ id: p.id })).toEqual({ deleted: false })
  })
})

describe('computePeaks', () => {
  it('takes min and max per bucket of the mono mix, with a short last bucket', () => {
    // 10 samples at 4 Hz, 2 peaks per second: buckets of 2 samples, the last one holds 2 as well (10/2 = 5).
    const left = new Float32Array([0.1, -0.2, 0.4, 0.3, -0.8, 0, 0, 0, 1, -1])
    const right = new Float32Array([0.1, -0.2, 0, 0.3, 0, 0, 0, 0, 1, 1])
    const p = computePeaks([left, right], 4, 2)
    expect(p.duration).toBe(2.5)
    expect([...p.max]).toEqual([0.10000000149011612, 0.30000001192092896, 0, 0, 1].map((v) => Math.fround(v)))
    expect([...p.min].map((v) => Number(v.toFixed(4)))).toEqual([-0.2, 0, -0.4, 0, 0])
  })
})

describe('computeSpectrogram', () => {
  const sine = (hz: number, sr: number, seconds: number): Float32Array => Float32Array.from({ length: Math.round(sr * seconds) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / sr))

  it('puts a sine in one band, far above the others, in every frame', () => {
    const spec = computeSpectrogram([sine(1000, 16000, 1)], 16000)
    expect(spec.bands).toBe(80)
    expect(spec.hop).toBeCloseTo(256 / 16000, 12)
    expect(spec.frames).toBe(Math.floor(16000 / 256) + 1)
    const peakBand = (t: number): number => {
      const row = spec.data.subarray(t * spec.bands, (t + 1) * spec.bands)
      return row.indexOf(Math.max(...row))
    }
    const mid = Math.floor(spec.frames / 2)
    expect(peakBand(mid - 10)).toBe(peakBand(mid))
    // 40 dB: the Hann window's sidelobes are far lower, so the lowest band must be at least that quiet.
    expect(spec.data[mid * spec.bands + peakBand(mid)]! - spec.data[mid * spec.bands]!).toBeGreaterThan(40)
    expect(spec.maxDb - spec.minDb).toBe(80)
  })

  it('pools long files down to at most 1500 frames, keeping a short click visible', () => {
    const sr = 8000
    const x = new Float32Array(sr * 600) // ten minutes of silence...
    x[sr * 300] = 1 // ...with one click in the middle
    const spec = computeSpectrogram([x], sr)
    expect(spec.frames).toBeLessThanOrEqual(1500)
    expect(spec.frames * spec.hop).toBeGreaterThan(599)
    const clickFrame = Math.round(300 / spec.hop)
    const loudest = Math.max(...spec.data.subarray((clickFrame - 1) * spec.bands, (clickFrame + 2) * spec.bands))
    expect(loudest).toBe(spec.maxDb)
    expect(spec.data[10 * spec.bands]!).toBeLessThan(spec.maxDb - 60)
  })
})

describe('audio service: the decoder repair note reaches the app', () => {
  it('importAudio of a float WAV with NaN/Inf samples reports how many were repaired; a clean file reports none', async () => {
    const { readFile } = await import('node:fs/promises')
    const { fileURLToPath } = await import('node:url')
    const fixtures = fileURLToPath(new URL('../../fixtures/audio/', import.meta.url))
    const dir = await mkdtemp(join(tmpdir(), 'eb-repair-'))
    const services = await createServices({ dataDir: dir, examplesDir: join(dir, 'none'), platform: 'web', version: '0' })
    try {
      const upload = async (name: string) => {
        const b = await readFile(join(fixtures, name))
        return services.handlers.importAudio({ name, data: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer })
      }
      expect(await upload('float-nonfinite.wav')).toMatchObject({ name: 'float-nonfinite.wav', sampleRate: 48000, nonFiniteSamples: 3 })
      expect((await upload('float-32.wav')).nonFiniteSamples).toBeUndefined()
    } finally {
      await services.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
