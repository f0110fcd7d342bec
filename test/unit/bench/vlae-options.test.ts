/**
 * The bench's vlae section options (bench/vlae.ts): the decoder's depth reaches the section's own
 * training run as train-vae's --stacks / --layers-per-stack, checked as train-vae checks it, and is
 * refused with --vlae-library (a trained model keeps its depth).
 */
import { describe, expect, it } from 'vitest'
import { vlaeBenchOptions, vlaeTrainArgs } from '../../../bench/vlae'
import { VLAE_DEPTH_LIMITS } from '../../../src-main/api/vlae-training'

describe('bench vlae options', () => {
  it('defaults: 20 minutes, 2 s decodes, the preset depth (no depth flag passed to train-vae)', () => {
    const o = vlaeBenchOptions({})
    expect(o).toEqual({ minutes: 20, seconds: 2, keep: false })
    const args = vlaeTrainArgs(3, '/lib', o)
    expect(args).not.toContain('--stacks')
    expect(args).not.toContain('--layers-per-stack')
    expect(args.slice(0, 5)).toEqual(['train-vae', '--dataset', '3', '--preset', 'vlae'])
    expect(args.slice(-2)).toEqual(['--data-dir', '/lib'])
  })

  it("passes the decoder's depth through to the section's own training run", () => {
    const o = vlaeBenchOptions({ 'vlae-stacks': '3', 'vlae-layers-per-stack': '6', 'vlae-minutes': '5' })
    expect(o).toMatchObject({ stacks: 3, layersPerStack: 6, minutes: 5 })
    const args = vlaeTrainArgs(1, '/lib', o)
    expect(args[args.indexOf('--stacks') + 1]).toBe('3')
    expect(args[args.indexOf('--layers-per-stack') + 1]).toBe('6')
    expect(args[args.indexOf('--max-minutes') + 1]).toBe('5')
    // One flag alone: only that one is passed.
    const one = vlaeTrainArgs(1, '/lib', vlaeBenchOptions({ 'vlae-layers-per-stack': '5' }))
    expect(one).not.toContain('--stacks')
    expect(one[one.indexOf('--layers-per-stack') + 1]).toBe('5')
  })

  it("refuses a depth train-vae would refuse, naming the flag, before anything is trained", () => {
    expect(() => vlaeBenchOptions({ 'vlae-stacks': '2.5' })).toThrow(/^--vlae-stacks: 2\.5 is not a whole number in 1\.\.8$/)
    expect(() => vlaeBenchOptions({ 'vlae-stacks': String(VLAE_DEPTH_LIMITS.stacks + 1) })).toThrow(/^--vlae-stacks: 9 is not a whole number in 1\.\.8$/)
    expect(() => vlaeBenchOptions({ 'vlae-layers-per-stack': '15' })).toThrow(/^--vlae-layers-per-stack: 15 is not a whole number in 1\.\.14$/)
    expect(() => vlaeBenchOptions({ 'vlae-layers-per-stack': '0' })).toThrow(/^--vlae-layers-per-stack: "0" is not a number >= 1$/)
    expect(() => vlaeBenchOptions({ 'vlae-stacks': 'two' })).toThrow(/^--vlae-stacks: "two" is not a number >= 1$/)
    expect(vlaeBenchOptions({ 'vlae-stacks': '8', 'vlae-layers-per-stack': '14' })).toMatchObject({ stacks: 8, layersPerStack: 14 })
  })

  it('refuses a depth with --vlae-library: a trained model keeps its own', () => {
    expect(vlaeBenchOptions({ 'vlae-library': '/lib', 'vlae-checkpoint': '4' })).toMatchObject({ trained: { library: '/lib', checkpoint: 4 } })
    expect(() => vlaeBenchOptions({ 'vlae-library': '/lib', 'vlae-checkpoint': '4', 'vlae-stacks': '3' })).toThrow(/^--vlae-stacks: sets the depth of the model the section trains; a --vlae-library model keeps its own$/)
    expect(() => vlaeBenchOptions({ 'vlae-library': '/lib' })).toThrow(/^--vlae-library and --vlae-checkpoint go together$/)
  })
})
