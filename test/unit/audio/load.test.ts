import { describe, expect, it } from 'vitest'
import { decodeFile, loadMono, mixToMono, resample } from '../../../src-main/audio/index'
import { fixture, maxAbsDiff } from './helpers'

/** loadMono must equal decode + mix + resample done by hand: same code, so bit-for-bit (0). */
const TOLERANCE = 0

describe('loadMono', () => {
  it('at the file rate: the mono mix', async () => {
    const audio = await decodeFile(fixture('stereo-16.wav'))
    const mono = await loadMono(fixture('stereo-16.wav'), 44100)
    expect(mono.length).toBe(22050)
    expect(maxAbsDiff(mono, mixToMono(audio.channels))).toBeLessThanOrEqual(TOLERANCE)
  })

  it('at another rate: mixed then resampled', async () => {
    const audio = await decodeFile(fixture('stereo.flac'))
    const mono = await loadMono(fixture('stereo.flac'), 16000)
    expect(mono.length).toBe(8000)
    expect(maxAbsDiff(mono, await resample(mixToMono(audio.channels), 44100, 16000))).toBeLessThanOrEqual(TOLERANCE)
  })

  it('passes decode errors through', async () => {
    await expect(loadMono(fixture('empty.wav'), 16000)).rejects.toThrow(/empty\.wav: file is empty$/)
  })
})
