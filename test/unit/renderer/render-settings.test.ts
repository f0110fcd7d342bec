import { describe, expect, it } from 'vitest'
import { readRenderSettings, renderOptions } from '../../../src-renderer/src/lib/render-settings'

describe('render panel settings: the wavenet method', () => {
  it('reads back the method, its model and speaker, dropping what is not valid', () => {
    expect(readRenderSettings(JSON.stringify({ method: 'wavenet', iterations: 20, seed: 0, model: 3, speaker: 'p226' }))).toEqual({ method: 'wavenet', iterations: 20, seed: 0, model: 3, speaker: 'p226' })
    expect(readRenderSettings(JSON.stringify({ method: 'wavenet', seed: 0, model: 0, speaker: '' }))).toEqual({ method: 'wavenet', seed: 0 })
    expect(readRenderSettings(JSON.stringify({ method: 'wavenet', seed: 0, model: 2.5, speaker: 7 }))).toEqual({ method: 'wavenet', seed: 0 })
  })

  it('asks each method for its own options: wavenet its model and speaker, match only its seed, the others no model', () => {
    const form = { contentWeight: 1, styleWeight: 2, iterations: 20, seed: 4, model: 3, speaker: 'p226' }
    expect(renderOptions({ method: 'wavenet', ...form })).toEqual({ method: 'wavenet', contentWeight: 1, styleWeight: 2, iterations: 20, seed: 4, model: 3, speaker: 'p226' })
    expect(renderOptions({ method: 'wavenet', seed: 0, iterations: 20 })).toEqual({ method: 'wavenet', seed: 0, iterations: 20 })
    expect(renderOptions({ method: 'texture', ...form })).toEqual({ method: 'texture', contentWeight: 1, styleWeight: 2, iterations: 20, seed: 4 })
    expect(renderOptions({ method: 'match', ...form })).toEqual({ method: 'match', seed: 4 })
  })
})
