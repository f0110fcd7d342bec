import { describe, expect, it } from 'vitest'
import { requestSchemas } from '../../../src-main/ipc/schemas'

const render = (options: object) => ({ contentPath: '/a.wav', stylePath: '/b.wav', options })
const wavenetReport = {
  modelId: 3, checkpointId: 9, receptiveField: 1025, reach: 513, speaker: 'p225', contentLayer: 'layer8_residual', styleLayers: ['layer0_residual', 'layer1_residual'],
  block: 1024, steps: 20, sweeps: 1, optimizer: 'adam', learningRate: 0.5, tau: 1, relaxation: 'softmax', init: 'content', windowSamples: 2048, clipSamples: 8589, blocks: 9, blocksKept: 0,
  loss: { before: { content: 0, style: 0.2, total: 0.2 }, after: { content: 0.04, style: 0.08, total: 0.12 } }, blockMs: { mean: 1400, total: 12600 }
}

describe('style payload schemas: the wavenet method', () => {
  it('accepts what the render panel sends for a wavenet render', () => {
    expect(requestSchemas.startRender.safeParse(render({ method: 'wavenet', model: 3, speaker: 'p226', iterations: 20, contentWeight: 1, styleWeight: 1, seed: 0 })).success).toBe(true)
    expect(requestSchemas.startRender.safeParse(render({ method: 'wavenet', wavenetBlock: 512, wavenetSweeps: 2 })).success).toBe(true)
  })

  it('refuses blocks and sweeps out of the engine ranges, and an empty speaker', () => {
    for (const bad of [{ wavenetBlock: 0 }, { wavenetBlock: 65_537 }, { wavenetBlock: 2.5 }, { wavenetSweeps: 101 }, { speaker: '' }]) {
      expect(requestSchemas.startRender.safeParse(render({ method: 'wavenet', ...bad })).success).toBe(false)
    }
  })

  it("keeps a wavenet render's figures when a project with its output track is saved", () => {
    const report = { method: 'wavenet', backend: 'wasm', optimizer: 'adam', sampleRate: 8000, nFft: 0, hop: 0, filters: 0, iterations: 20, wallMs: 1, peakRssMb: 1, finalLoss: 0.12, styleDistance: { content: 2, output: 1 }, contentDistance: 0.5, wavenet: wavenetReport }
    const track = { id: 't', kind: 'output', name: 'out', muted: false, solo: false, clips: [], render: { renderId: 'r', contentPath: '/a.wav', stylePath: '/b.wav', report } }
    const parsed = requestSchemas.saveProject.safeParse({ id: 'p', name: 'p', updatedAt: 1, tracks: [track] })
    expect(parsed.success).toBe(true)
    expect((parsed.data as { tracks: { render: { report: { wavenet: unknown } } }[] }).tracks[0]!.render.report.wavenet).toEqual(wavenetReport)
  })
})
