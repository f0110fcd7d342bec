/**
 * generate's output files are written all or none: a cancel between files, or a file that cannot
 * be written, removes those already written (a Ctrl-C during a batch's writes once left 27,000
 * files behind a "nothing written").
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { writeAllOrNone } from '../../../src-main/jobs/generate-wavenet-job'
import { JobCancelledError } from '../../../src-main/jobs/errors'
import type { JobContext } from '../../../src-main/jobs/job-context'

let dir: string | undefined
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }))

/** A job context cancelled once `after` files have been asked about (checked before each write). */
function cancelledAfter(after: number): JobContext {
  const abort = new AbortController()
  let asked = 0
  const isCancelled = (): boolean => asked > after
  return {
    progress: () => {},
    signal: abort.signal,
    isCancelled,
    throwIfCancelled: () => {
      asked++
      if (isCancelled()) throw new JobCancelledError('generate: cancelled')
    },
    backend: 'none'
  }
}

const streams = [new Float32Array(80), new Float32Array(80).fill(0.5), new Float32Array(80).fill(-0.5)]

describe('writeAllOrNone', () => {
  it('writes every stream when nothing goes wrong', async () => {
    dir = mkdtempSync(join(tmpdir(), 'eb-genwrite-'))
    const outs = ['a-1.wav', 'a-2.wav', 'a-3.wav'].map((f) => join(dir!, f))
    await writeAllOrNone(outs, streams, 8000, cancelledAfter(99))
    expect(readdirSync(dir).sort()).toEqual(['a-1.wav', 'a-2.wav', 'a-3.wav'])
  })

  it('a cancel after the first file removes it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'eb-genwrite-'))
    const outs = ['a-1.wav', 'a-2.wav', 'a-3.wav'].map((f) => join(dir!, f))
    await expect(writeAllOrNone(outs, streams, 8000, cancelledAfter(1))).rejects.toBeInstanceOf(JobCancelledError)
    expect(readdirSync(dir)).toEqual([])
  })

  it('a file that cannot be written removes those before it and names the path', async () => {
    dir = mkdtempSync(join(tmpdir(), 'eb-genwrite-'))
    const outs = [join(dir, 'a-1.wav'), join(dir, 'a-1.wav', 'x.wav'), join(dir, 'a-3.wav')]
    await expect(writeAllOrNone(outs, streams, 8000, cancelledAfter(99))).rejects.toThrow(/a-1\.wav\/x\.wav: cannot write/)
    expect(existsSync(outs[0]!)).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  })
})
