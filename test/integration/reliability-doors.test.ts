/**
 * Issue 18, parts 2 and 3 at CI scale with a fixed seed: the doors campaign against a real web
 * host and the IPC manager lets nothing through, crashes nothing and refuses everything in one
 * clear line; the soak's tensor counts stay flat over renders and training epochs. Counts only:
 * timings and the full-scale curves are the bench's (`npm run bench -- reliability`).
 */
import { describe, expect, it } from 'vitest'
import { runDoors } from '../../bench/reliability/doors'
import { runSoak } from '../../bench/reliability/soak'

const SEED = 18
const lines: string[] = []
const log = (l: string): void => void lines.push(l)

describe('reliability at CI scale', () => {
  it('doors: every hostile request is refused with one clear line, and the host stays up', async () => {
    const r = await runDoors({ seed: SEED, scale: 'ci', log })
    expect(r.details).toEqual([])
    expect(r.requestsLetThrough).toBe(0)
    expect(r.crashes).toBe(0)
    expect(r.unclearRefusals).toBe(0)
    // Every kind the issue names was tried, each more than once.
    for (const kind of ['http:malformed:wrong-type', 'http:malformed:deep-nesting', 'http:malformed:invalid-json', 'http:oversized', 'http:traversal', 'ipc:traversal', 'http:token', 'http:origin', 'ws:upgrade', 'host:bind', 'http:static-traversal', 'http:unknown-method', 'http:malformed:not-http', 'http:flood']) {
      expect(r.cases[kind], kind).toBeGreaterThan(1)
    }
    expect(r.cases['ws:huge-frame']).toBe(1)
  }, 300_000)

  it('soak: renders and training epochs leave the live tensor count flat', async () => {
    const r = await runSoak({ seed: SEED, scale: 'ci', log })
    expect(r.renders.failed).toBe(0)
    expect(r.renders.engineTensors.values).toHaveLength(10)
    expect(r.renders.engineTensors.flatness.flat).toBe(true)
    expect(r.training.tensors.values).toHaveLength(6)
    expect(r.training.tensors.flatness.flat).toBe(true)
    // Tensor counts are exact: after the first step nothing may grow at all.
    expect(new Set(r.renders.engineTensors.values.slice(1)).size).toBe(1)
    expect(new Set(r.training.tensors.values.slice(1)).size).toBe(1)
  }, 300_000)
})
