/*
 * The child process that runs fuzz cases (`node --import tsx test/fuzz/child.ts`), one at a time,
 * so the parent can kill it when a case hangs or lose only it when a case kills the process.
 * Protocol over IPC: parent {type:'run', seed, index, keep}; child {type:'ready'}, then per case
 * {type:'start', spec} before the target runs and {type:'result', result} after.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { installCapture, takeOutput } from './capture'
import { buildBaseLibrary } from './base-library'
import { makeCase } from './cases'
import { audioSeeds } from './corpus'
import { execute, specOf } from './execute'
import type { CaseResult } from './outcome'

/** A request from the parent. */
export interface RunMessage {
  type: 'run'
  seed: number
  index: number
  keep: boolean
}

installCapture()
const send = (m: unknown): void => {
  process.send!(m)
}
const work = mkdtempSync(join(tmpdir(), 'eb-fuzz-'))
// A replayed case keeps everything, the home datasets of re-imports included.
let keepWork = false
process.on('exit', () => keepWork || rmSync(work, { recursive: true, force: true }))
process.on('disconnect', () => process.exit(0))
const seeds = audioSeeds()
const base = await buildBaseLibrary(work)

process.on('message', (m: RunMessage) => {
  void runOne(m)
})
send({ type: 'ready', work })

async function runOne(m: RunMessage): Promise<void> {
  const id = `${m.seed}:${m.index}`
  keepWork ||= m.keep
  const dir = join(work, `case-${m.index}`)
  const t0 = performance.now()
  let c
  try {
    c = makeCase(m.seed, m.index, seeds, base, dir)
  } catch (err) {
    // A fault of this harness, not of the product: reported under its own mutation name.
    const where = String((err as Error)?.stack ?? err).split('\n').slice(0, 3).join(' | ')
    send({ type: 'result', result: { id, target: 'info', mutation: 'harness-error', seedFile: '-', note: '-', outcome: 'CRASH', detail: where, ms: 0 } })
    return
  }
  const spec = specOf(id, c)
  send({ type: 'start', spec })
  takeOutput()
  let result: CaseResult
  try {
    const v = await execute(c, dir, base)
    result = { ...spec, ...v, ms: performance.now() - t0 }
  } catch (err) {
    const e = err as Error
    result = { ...spec, outcome: 'CRASH', detail: `thrown past the target: ${e?.name}: ${String(e?.message).split('\n')[0]}`, ms: performance.now() - t0 }
  }
  if (m.keep) result.keptAt = work
  else rmSync(dir, { recursive: true, force: true })
  send({ type: 'result', result })
}
