import { describe, expect, it, vi } from 'vitest'
import { loadMonoNoted } from '../../../../src-main/audio/load'
import { loudnessMeter } from '../../../../src-main/dsp/loudness'
import { signalMeasures } from '../../../../src-main/dsp/measures'
import { stylizeJob } from '../../../../src-main/engine/style/job'
import { MATCH_RATE } from '../../../../src-main/engine/style/match/rates'
import type { JobContext } from '../../../../src-main/jobs/job-context'

const content = 'resources/examples/content-voice.wav'
const style = 'resources/examples/style-voice.wav'

/** The worker's context, in-process: no cancel, progress dropped. */
const ctx: JobContext = { progress: () => undefined, signal: new AbortController().signal, isCancelled: () => false, throwIfCancelled: () => undefined, backend: 'none' }

describe('stylize job, match method: the measures of the report', () => {
  it('meters each input once (the match method\'s loudness is reused) and reports the same measures as metering them afresh', async () => {
    const meter = await loudnessMeter()
    const [c, s] = await Promise.all([loadMonoNoted(content, MATCH_RATE), loadMonoNoted(style, MATCH_RATE)])
    // Measured first, outside the job: what the report's measures were before the reuse.
    const expected = { content: signalMeasures(c.samples, MATCH_RATE, meter), style: signalMeasures(s.samples, MATCH_RATE, meter) }
    const integrated = vi.spyOn(meter, 'integrated')
    try {
      const r = await stylizeJob({ contentPath: content, stylePath: style, options: { method: 'match' } }, ctx)
      expect(r.report.measures!.content).toEqual(expected.content)
      expect(r.report.measures!.style).toEqual(expected.style)
      // The job's own arrays are the first metered at the match rate: the method's checks, content then style.
      const first = integrated.mock.calls.filter(([, rate]) => rate === MATCH_RATE).map(([channels]) => channels[0]!)
      const calls = (x: Float32Array): number => integrated.mock.calls.filter(([channels]) => channels[0] === x).length
      expect(first[0]!.length).toBe(c.samples.length)
      expect(first[1]!.length).toBe(s.samples.length)
      // Content: the method's check and the chain's input gain (prepareInput); style: the check. The
      // report's measures add none (3 and 2 before the reuse).
      expect(calls(first[0]!)).toBe(2)
      expect(calls(first[1]!)).toBe(1)
    } finally {
      integrated.mockRestore()
    }
  }, 60_000)
})
