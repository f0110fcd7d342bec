/**
 * The latent explorer's arithmetic and refusals (api/latent-code.ts, cli/commands/latent.ts):
 * interpolation is linear and exact at its ends, the adjustment is z * scale + bias per dimension,
 * pooling averages means and variances, and each bad input is one line naming the thing.
 */
import { describe, expect, it } from 'vitest'
import type { LatentCode } from '../../../src-preload/api'
import { adjustLatent, checkCode, interpolateCodes, latentBiasSchema, latentCodeSchema, latentScaleSchema, parseLatentCode, poolPosteriors, windowStarts } from '../../../src-main/api/latent-code'
import { perDimension } from '../../../src-main/cli/commands/latent'
import { expectRefusedLine } from '../refused-line'

const code = (z: number[], over: Partial<LatentCode> = {}): LatentCode => ({ modelId: 1, checkpointId: 2, model: 'VLAE 3 latents', z, sigma: null, source: 'a.wav', sampleRate: 8000, ...over })

describe('interpolateCodes', () => {
  const a = code([0, 2, -4], { sigma: [1, 1, 1] })
  const b = code([1, -2, 4], { source: 'b.wav' })

  it('gives a at t = 0, b at t = 1 and the straight line between', () => {
    expect(interpolateCodes(a, b, 0).z).toEqual(a.z)
    expect(interpolateCodes(a, b, 1).z).toEqual(b.z)
    expect(interpolateCodes(a, b, 0.25).z).toEqual([0.25, 1, -2])
    // Midpoint of each dimension.
    expect(interpolateCodes(a, b, 0.5).z).toEqual([0.5, 0, 0])
  })

  it('keeps the model and checkpoint, drops sigma, and says where the point came from', () => {
    expect(interpolateCodes(a, b, 0.5)).toMatchObject({ modelId: 1, checkpointId: 2, sigma: null, source: 'interpolation', sampleRate: 8000 })
  })

  it('refuses codes of different models or checkpoints, t outside 0..1, and z of another size', () => {
    expectRefusedLine(() => interpolateCodes(a, code([1, 2, 3], { modelId: 5 }), 0.5), /^interpolation: the codes come from different models \(1 and 5\); encode both clips with one model$/)
    expectRefusedLine(() => interpolateCodes(a, code([1, 2, 3], { checkpointId: 9 }), 0.5), /^interpolation: the codes come from different checkpoints of model 1 \(2 and 9\)/)
    expectRefusedLine(() => interpolateCodes(a, b, 1.5), /^t: 1.5 is not in 0..1$/)
    expectRefusedLine(() => interpolateCodes(a, b, Number.NaN), /^t: NaN is not in 0..1$/)
    expectRefusedLine(() => interpolateCodes(a, code([1, 2]), 0.5), /^code b z: 2 values, but the model has 3 latents$/)
    expectRefusedLine(() => interpolateCodes(a, code([1, 2, -60]), 0.5), /^code b z: dimension 2 is -60, outside the allowed -50\.\.50$/)
  })
})

describe('adjustLatent (z * scale + bias)', () => {
  it('scales then shifts each dimension; absent scale is ones and absent bias zeros', () => {
    expect(adjustLatent([1, 2, 3], {})).toEqual([1, 2, 3])
    expect(adjustLatent([1, 2, 3], { scale: [2, 0, -1] })).toEqual([2, 0, -3])
    expect(adjustLatent([1, 2, 3], { bias: [0.5, 0, -3] })).toEqual([1.5, 2, 0])
    expect(adjustLatent([1, 2, 3], { scale: [2, 1, 1], bias: [1, 1, 1] })).toEqual([3, 3, 4])
  })

  it('refuses a bias or scale of another size, non-finite values, and an overflowing result', () => {
    expectRefusedLine(() => adjustLatent([1, 2, 3], { bias: [1, 2] }), /^bias: 2 values, but the model has 3 latents$/)
    expectRefusedLine(() => adjustLatent([1, 2, 3], { scale: [1, Number.POSITIVE_INFINITY, 1] }), /^scale: value 1 \(Infinity\) is not a finite number$/)
    expectRefusedLine(() => adjustLatent([1, 2, 3], { bias: [Number.NaN, 0, 0] }), /^bias: value 0 \(NaN\) is not a finite number$/)
  })

  it('refuses a z, bias or scale outside its sanity range, and a result outside the z range, naming dimension, value and range', () => {
    expectRefusedLine(() => adjustLatent([1e30, 0, 0], {}), /^latent vector: dimension 0 is 1e\+30, outside the allowed -50\.\.50$/)
    expectRefusedLine(() => adjustLatent([1, 2, 3], { bias: [0, 1e9, 0] }), /^bias: dimension 1 is 1000000000, outside the allowed -50\.\.50$/)
    expectRefusedLine(() => adjustLatent([1, 2, 3], { scale: [1, 1, -11] }), /^scale: dimension 2 is -11, outside the allowed -10\.\.10$/)
    expectRefusedLine(() => adjustLatent([40, 0, 0], { scale: [10, 1, 1] }), /^z \* scale \+ bias: dimension 0 is 400, outside the allowed -50\.\.50$/)
    expectRefusedLine(() => adjustLatent([1, 2, 45], { bias: [0, 0, 10] }), /^z \* scale \+ bias: dimension 2 is 55, outside the allowed -50\.\.50$/)
    // The edges themselves are allowed.
    expect(adjustLatent([50, -50, 5], { bias: [0, 0, -50], scale: [1, 1, 10] })).toEqual([50, -50, 0])
  })

  it('holds the IPC and code-file schemas to the same ranges, in the same words', () => {
    const ok = code([50, -50, 0])
    expect(latentCodeSchema.safeParse(ok).success).toBe(true)
    const far = latentCodeSchema.safeParse(code([0, 1e30, 0]))
    expect(far.success).toBe(false)
    expect(far.error!.issues[0]!.message).toBe('dimension 1 is 1e+30, outside the allowed -50..50')
    expect(latentBiasSchema.safeParse([0, 50, -50]).success).toBe(true)
    expect(latentBiasSchema.safeParse([0, 1e9]).error!.issues[0]!.message).toBe('dimension 1 is 1000000000, outside the allowed -50..50')
    expect(latentScaleSchema.safeParse([10, -10]).success).toBe(true)
    expect(latentScaleSchema.safeParse([11]).error!.issues[0]!.message).toBe('dimension 0 is 11, outside the allowed -10..10')
    expectRefusedLine(() => parseLatentCode(code([0, 0, -51]), 'a.json'), /^a\.json: not a latent code \(z: dimension 2 is -51, outside the allowed -50\.\.50\)$/)
  })
})

describe('checkCode and parseLatentCode', () => {
  it('accepts a code of the model width with a non-negative sigma', () => {
    expect(() => checkCode(code([1, 2, 3], { sigma: [0.1, 0, 2] }), 3, 'code')).not.toThrow()
  })

  it('refuses a z of the wrong size, non-finite values and a negative sigma', () => {
    expectRefusedLine(() => checkCode(code([1, 2]), 3, 'code'), /^code z: 2 values, but the model has 3 latents$/)
    expectRefusedLine(() => checkCode(code([1, Number.NaN, 3]), 3, 'code'), /^code z: value 1 \(NaN\) is not a finite number$/)
    expectRefusedLine(() => checkCode(code([1, 2, 3], { sigma: [1, -1, 1] }), 3, 'code'), /^code sigma: value 1 \(-1\) is negative$/)
    expectRefusedLine(() => checkCode(code([1, 2, 1e30]), 3, 'code'), /^code z: dimension 2 is 1e\+30, outside the allowed -50\.\.50$/)
  })

  it('reads a code file of the right shape and names the file and the field otherwise', () => {
    expect(parseLatentCode(JSON.parse(JSON.stringify(code([1, 2, 3]))), 'a.json')).toEqual(code([1, 2, 3]))
    expectRefusedLine(() => parseLatentCode([1, 2, 3], 'a.json'), /^a\.json: not a latent code \(/)
    expectRefusedLine(() => parseLatentCode({ ...code([1]), z: 'x' }, 'a.json'), /^a\.json: not a latent code \(z: /)
    expectRefusedLine(() => parseLatentCode({ ...code([1]), extra: 1 }, 'a.json'), /^a\.json: not a latent code \(/)
  })
})

describe('poolPosteriors and windowStarts', () => {
  it('averages the means, and sigma is the root of the mean variance', () => {
    const { z, sigma } = poolPosteriors(
      [
        [0, 2],
        [2, 4]
      ],
      [
        [0, Math.log(4)],
        [Math.log(3), Math.log(4)]
      ]
    )
    expect(z).toEqual([1, 3])
    expect(sigma[0]).toBeCloseTo(Math.sqrt((1 + 3) / 2), 12)
    expect(sigma[1]).toBeCloseTo(2, 12)
  })

  it('one window pools to itself', () => {
    const { z, sigma } = poolPosteriors([[0.5, -1]], [[Math.log(0.25), 0]])
    expect(z).toEqual([0.5, -1])
    expect(sigma[0]).toBeCloseTo(0.5, 12)
    expect(sigma[1]).toBeCloseTo(1, 12)
  })

  it('cuts whole windows back to back, none for a clip shorter than one', () => {
    expect(windowStarts(1000, 512)).toEqual([0])
    expect(windowStarts(1024, 512)).toEqual([0, 512])
    expect(windowStarts(2000, 512)).toEqual([0, 512, 1024])
    expect(windowStarts(511, 512)).toEqual([])
  })
})

describe('perDimension (--bias / --scale i=v)', () => {
  it('fills the dimensions given and leaves the rest at the fill value', () => {
    expect(perDimension(undefined, 3, 0, 'bias')).toBeUndefined()
    expect(perDimension(['0=0.5', '2=-1'], 3, 0, 'bias')).toEqual([0.5, 0, -1])
    expect(perDimension(['1=2'], 3, 1, 'scale')).toEqual([1, 2, 1])
  })

  it('refuses a malformed entry, a dimension out of range or given twice, and a value that is not finite', () => {
    expect(() => perDimension(['x'], 3, 0, 'bias')).toThrow(/^--bias x: not DIMENSION=VALUE \(e\.g\. --bias 3=0\.5\)$/)
    expect(() => perDimension(['3=1'], 3, 0, 'bias')).toThrow(/^--bias 3=1: dimension 3 is not in 0\.\.2 \(the code has 3 latents\)$/)
    expect(() => perDimension(['1=1', '1=2'], 3, 1, 'scale')).toThrow(/^--scale 1=2: dimension 1 is given twice$/)
    expect(() => perDimension(['1=Infinity'], 3, 1, 'scale')).toThrow(/^--scale 1=Infinity: "Infinity" is not a finite number$/)
    expect(() => perDimension(['0=1e9'], 3, 0, 'bias')).toThrow(/^--bias 0=1e9: dimension 0 is 1000000000, outside the allowed -50\.\.50$/)
    expect(() => perDimension(['2=-10.5'], 3, 1, 'scale')).toThrow(/^--scale 2=-10\.5: dimension 2 is -10\.5, outside the allowed -10\.\.10$/)
    expect(perDimension(['0=50', '1=-50'], 3, 0, 'bias')).toEqual([50, -50, 0])
  })
})
