import { describe, expect, it } from 'vitest'
import { loadMono } from '../../../../src-main/audio/load'
import { stylizeMatch } from '../../../../src-main/engine/style/match/index'
import type { StyleProgress } from '../../../../src-main/engine/style/progress'

const SR = 22050
const load = (name: string): Promise<Float32Array> => loadMono(`test/fixtures/vocal-match/${name}.wav`, SR)

describe('match method progress', () => {
  it('counts one total from the start (analyse, fit steps, render), never going back', async () => {
    const [content, style] = await Promise.all([load('mf-radio-content'), load('mf-radio-style')])
    const seen: StyleProgress[] = []
    await stylizeMatch(content, style, SR, {}, { onProgress: (p) => seen.push(p) })
    expect(new Set(seen.map((p) => p.total))).toEqual(new Set([seen[0]!.total]))
    expect(seen[0]!.phase).toBe('analyse')
    expect(seen.at(-1)!.phase).toBe('render')
    expect(seen.filter((p) => p.phase === 'fit').length).toBeGreaterThan(1)
    const steps = seen.map((p) => p.step)
    expect([...steps].sort((a, b) => a - b)).toEqual(steps)
    expect(steps.at(-1)!).toBeLessThan(seen[0]!.total)
  }, 60_000)
})
