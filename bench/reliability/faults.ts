/**
 * Issue 18, part 1: faults injected at random points drawn from a seeded stream, each kind many
 * times, and what must hold after each (fault-checks.ts):
 *   - worker-render / worker-train: a job worker killed from outside mid-render or mid-training
 *     (JobPool.killWorker); the job fails with a reason (the render's result, the run's library row)
 *     and the pool's next job runs;
 *   - process-import / process-checkpoint / process-render: the CLI process SIGKILLed mid-import,
 *     mid-checkpoint write (as its temporary folder appears) and mid-render; then the library is
 *     intact, nothing is half-written, the killed run is 'failed' once the library is reopened, and
 *     a --resume from its last checkpoint ends with the same weights and losses as a run that never
 *     stopped (an import run again ends as a clean import);
 *   - disk-full: training on a tmpfs a little too small for its checkpoints: one clear error line,
 *     the earlier checkpoints intact;
 *   - read-only: a data directory on a read-only mount: every command refuses in one line.
 * Kill delays are drawn from the seed; where the kill lands also depends on the machine's speed.
 */
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRng, type Rng } from '../../src-main/util/random'
import { describeError } from '../../src-main/util/errors'
import { Library } from '../../src-main/library/library'
import { getJobPool } from '../../src-main/api/jobs'
import { trainTagger } from '../../src-main/api/training'
import { renderStyle } from '../../src-main/api/style'
import type { StylizeOptions } from '../../src-main/engine/style/types'
import { checkDataDir, folderBytes, type DirFindings } from './fault-checks'
import { mountReadOnly, mountTmpfs, unmount } from './mounts'
import { REPO_ROOT, lastJsonLine, runCliChild, userFacingProblem, type ChildRun } from './fault-child'

/** The counts part 1 reports; every one but `cases` must be 0. */
export interface FaultCounts {
  /** Faults injected, by kind (`kind:skipped` where the machine cannot make that fault). */
  cases: Record<string, number>
  /** Uncaught exceptions and unhandled rejections here, children dead of anything but our kill, stack traces shown to a user. */
  crashes: number
  integrityFailures: number
  halfWrittenFiles: number
  /** Jobs whose fault left them not failed with a reason (the render's result, the run's row). */
  jobsNotMarkedFailed: number
  /** Resumed runs whose weights or losses differ from the uninterrupted run's. */
  resumeMismatches: number
  /** Refusals that were not one `error:` line saying what and why. */
  unclearErrors: number
  /** One line per failure found. */
  details: string[]
}

/** How many faults of each kind: a few in CI (the whole suite well under 2 minutes), tens in the bench. */
const PER_KIND = { ci: 3, full: 20 } as const
/** Training runs: epochs (each ends with a checkpoint) and the fixture's batch (13 train clips: 4 steps an epoch). */
const EPOCHS = 2
const BATCH = 4
/** The fixture's clip ids by split (its clip 9 has no audio), as test/integration/tagger-cli.test.ts uses them. */
const SPLIT = { valid: [2, 3, 16, 17, 19], test: [4, 5, 21, 22, 23], train: [8, 11, 14, 25, 26, 27, 29, 32, 34, 36, 38, 39, 42] }
/** A render that takes a second or two: the texture method, few filters and iterations, one thread. */
const RENDER: StylizeOptions = { method: 'texture', iterations: 12, filters: 64, threads: 1, seed: 5 }
const CONTENT = join(REPO_ROOT, 'test/fixtures/audio/mono-16.wav')
const STYLE = join(REPO_ROOT, 'test/fixtures/audio/stereo-16.wav')
const KILL_REASON = 'job worker killed (fault injection)'

/** Everything a case needs: the scratch folders, the fixture's import and one uninterrupted run. */
interface Setup {
  scratch: string
  dataset: string
  splitFile: string
  /** A data directory with the fixture imported, its decode cache warm and run 1 trained undisturbed. */
  base: string
  seed: number
  /** Wall times of the work itself in the setup's CLI runs (their start-up left out): kills are drawn within them. */
  importMs: number
  trainMs: number
  renderMs: number
  /** Run 1's losses by step and its last checkpoint's weights. */
  reference: { losses: Map<number, number>; weights: Float32Array }
}

/** Runs every fault kind (or those of `kinds`) `PER_KIND[scale]` times from `seed`; `log` gets one line per case. */
export async function runFaults(opts: { seed: number; scale: 'ci' | 'full'; log: (line: string) => void; kinds?: string[] }): Promise<FaultCounts> {
  const counts: FaultCounts = { cases: {}, crashes: 0, integrityFailures: 0, halfWrittenFiles: 0, jobsNotMarkedFailed: 0, resumeMismatches: 0, unclearErrors: 0, details: [] }
  const onCrash = (err: unknown): void => {
    counts.crashes++
    counts.details.push(`bench process: uncaught ${describeError(err)}`)
    opts.log(`faults: uncaught in the bench process: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
  }
  const rng = createRng(opts.seed)
  const n = PER_KIND[opts.scale]
  const setup = await prepare(opts.seed, opts.log)
  process.on('uncaughtException', onCrash)
  process.on('unhandledRejection', onCrash)
  try {
    const kinds: [string, (i: number) => Promise<string>][] = [
      ['worker-render', (i) => workerRender(setup, rng, counts, i)],
      ['worker-train', (i) => workerTrain(setup, rng, counts, i)],
      ['process-import', (i) => processImport(setup, rng, counts, i)],
      ['process-checkpoint', (i) => processCheckpoint(setup, rng, counts, i)],
      ['process-render', (i) => processRender(setup, rng, counts, i)],
      ['disk-full', (i) => diskFull(setup, rng, counts, i)],
      ['read-only', (i) => readOnly(setup, rng, counts, i)]
    ]
    for (const [kind, run] of kinds) {
      if (opts.kinds && !opts.kinds.includes(kind)) continue
      for (let i = 0; i < n; i++) {
        const before = counts.details.length
        const t0 = performance.now()
        const what = await run(i)
        const found = counts.details.length === before ? 'ok' : counts.details.slice(before).join('; ')
        opts.log(`faults ${kind} #${i + 1} (${what}, ${ms(performance.now() - t0)}): ${found}`)
      }
      if (kind.startsWith('worker-')) await nextJobRuns(setup, counts, kind)
    }
  } finally {
    await rm(setup.scratch, { recursive: true, force: true })
    process.off('uncaughtException', onCrash)
    process.off('unhandledRejection', onCrash)
  }
  return counts
}

/** Imports the fixture, trains the reference run and renders once, timing each (the kills' delays are drawn from these). */
async function prepare(seed: number, log: (line: string) => void): Promise<Setup> {
  const scratch = await mkdtemp(join(tmpdir(), 'eb-faults-'))
  const dataset = join(scratch, 'dataset')
  await cp(join(REPO_ROOT, 'test/fixtures/mtat/dataset'), dataset, { recursive: true })
  const splitFile = join(scratch, 'split.txt')
  await writeFile(splitFile, Object.entries(SPLIT).flatMap(([s, ids]) => ids.map((id) => `${id} ${s}`)).join('\n') + '\n')
  const base = join(scratch, 'base')
  const imported = await mustRun(['import-mtat', dataset, '--data-dir', base, '--json'])
  const trained = await mustRun(trainArgs({ dataset, splitFile, seed }, base))
  await mkdir(join(base, 'renders'))
  const rendered = await mustRun(['stylize', '--content', CONTENT, '--style', STYLE, '--out', join(base, 'renders', 'reference.wav'), ...renderFlags(), '--json'])
  // A command that only opens the library: the CLI's start-up, left out of the work's times.
  const startup = (await mustRun(['models', '--data-dir', base])).wallMs
  const work = (r: ChildRun): number => Math.max(100, r.wallMs - startup)
  const setup: Setup = { scratch, dataset, splitFile, base, seed, importMs: work(imported), trainMs: work(trained), renderMs: work(rendered), reference: await runResult(base, 1) }
  log(`faults: setup in ${scratch}: CLI start-up ${ms(startup)}; then import ${ms(setup.importMs)}, training ${ms(setup.trainMs)}, render ${ms(setup.renderMs)}`)
  return setup
}

async function mustRun(args: string[]): Promise<ChildRun> {
  const r = await runCliChild(args)
  if (r.code !== 0) throw new Error(`faults setup: ${args[0]} failed (exit ${r.code}): ${r.errorLines.join(' | ')}`)
  return r
}

function trainArgs(s: Pick<Setup, 'dataset' | 'splitFile' | 'seed'>, dataDir: string): string[] {
  return ['train-tagger', '--dataset', '1', '--split', s.splitFile, '--epochs', String(EPOCHS), '--top', '5', '--batch', String(BATCH), '--seed', String(s.seed), '--data-dir', dataDir, '--json']
}

function renderFlags(): string[] {
  return ['--method', RENDER.method!, '--iterations', String(RENDER.iterations), '--filters', String(RENDER.filters), '--threads', String(RENDER.threads), '--seed', String(RENDER.seed)]
}

/** A run's losses by step and its last checkpoint's weights (optimizer state included). */
async function runResult(dataDir: string, runId: number): Promise<Setup['reference']> {
  const lib = Library.open(dataDir)
  try {
    const losses = new Map(lib.runs.metrics(runId, 'loss').map((m) => [m.step, m.value]))
    const last = lib.checkpoints.list({ runId })[0]
    if (!last) throw new Error(`faults: run ${runId} has no checkpoint`)
    const bytes = await readFile(join(last.path, 'weights.bin'))
    return { losses, weights: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) }
  } finally {
    lib.close()
  }
}

/** A fresh copy of the base data directory for one case. */
async function caseDir(s: Setup, name: string): Promise<string> {
  const dir = join(s.scratch, name)
  await cp(s.base, dir, { recursive: true })
  return dir
}

/** Counts one case of `kind`; returns `note` (what the case did, for the log). */
function count(c: FaultCounts, kind: string, note: string): string {
  c.cases[kind] = (c.cases[kind] ?? 0) + 1
  return note
}

/** Adds a directory check's findings to the counts. */
function record(c: FaultCounts, where: string, f: DirFindings): void {
  c.integrityFailures += f.integrity.length
  c.halfWrittenFiles += f.halfWritten.length
  c.jobsNotMarkedFailed += f.runsNotFailed.length
  for (const line of [...f.integrity, ...f.halfWritten, ...f.runsNotFailed]) c.details.push(`${where}: ${line}`)
}

/** A child that was not killed by us must have ended as `expect` says, cleanly. */
function judgeChild(c: FaultCounts, where: string, r: ChildRun, expect: 'ok' | 'refused'): void {
  if (r.killed) return
  const problem = userFacingProblem(r, expect)
  if (problem === null) return
  if (problem.crash) c.crashes++
  else c.unclearErrors++
  c.details.push(`${where}: ${problem.text}`)
}

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.uniform()
const ms = (v: number): string => `${Math.round(v)} ms`

/** Where a kill landed: the job's step, and the wall-clock time (ms since the epoch) its worker was gone. */
interface Kill {
  at: string
  goneMs: number
}

/**
 * Kills the pool's worker running job `id` once its progress reaches `fraction` of its steps (null:
 * once it runs), plus `delayMs` (so the kill lands inside a step); resolves with where the job stood, or null when it
 * ended first. Progress, not time, picks the point: the same seed hits the same step on any machine.
 */
function killAtProgress(id: () => string | undefined, fraction: number | null, delayMs: number): Promise<Kill | null> {
  const pool = getJobPool()
  return new Promise((resolve) => {
    let armed = false
    const off = pool.on('job', (info) => {
      if (info.id !== id()) return
      if (info.status !== 'running' && info.status !== 'queued') {
        off()
        return resolve(null)
      }
      const p = info.progress
      // fraction null: from the job's start, progress or not (its set-up: opening the library, creating the run).
      const reached = fraction === null || (p !== undefined && p.total > 1 && p.step >= fraction * p.total)
      if (armed || info.status !== 'running' || info.workerId === undefined || !reached) return
      armed = true
      const worker = info.workerId
      setTimeout(() => {
        off()
        const now = pool.list().find((j) => j.id === info.id)
        if (now?.status !== 'running') return resolve(null)
        const at = `killed ${ms(delayMs)} after step ${now.progress?.step}/${now.progress?.total}${now.progress?.phase ? ` (${now.progress.phase})` : ''}`
        void pool.killWorker(worker, KILL_REASON).then(
          (done) => resolve(done ? { at, goneMs: Date.now() } : null),
          () => resolve(null)
        )
      }, delayMs)
    })
  })
}

async function workerRender(s: Setup, rng: Rng, c: FaultCounts, i: number): Promise<string> {
  const where = `worker-render #${i + 1}`
  const out = join(s.scratch, `worker-render-${i}.wav`)
  let jobId: string | undefined
  const killed = killAtProgress(() => jobId, uniform(rng, 0, 0.9), uniform(rng, 0, 50))
  const outcome = await renderStyle({ contentPath: CONTENT, stylePath: STYLE, outPath: out, options: RENDER }, { onJobId: (id) => (jobId = id) }).then(
    () => null,
    (err: unknown) => err
  )
  const kill = await killed
  if (kill === null) return count(c, 'worker-render:finished-first', 'the render ended before the kill')
  const info = getJobPool()
    .list()
    .find((j) => j.id === jobId)
  if (outcome === null || info?.status !== 'failed' || !info.error?.includes(KILL_REASON)) {
    c.jobsNotMarkedFailed++
    c.details.push(`${where}: the killed render ended ${info?.status ?? 'unknown'} (${info?.error ?? describeError(outcome)})`)
  }
  if (existsSync(out)) {
    c.halfWrittenFiles++
    c.details.push(`${where}: ${out} exists after its job was killed`)
  }
  return count(c, 'worker-render', kill.at)
}

async function workerTrain(s: Setup, rng: Rng, c: FaultCounts, i: number): Promise<string> {
  const where = `worker-train #${i + 1}`
  const dir = await caseDir(s, `worker-train-${i}`)
  let jobId: string | undefined
  // Every other kill lands in the job's first second and a half (its set-up: the run is created and
  // marked running there), the others inside a training step (a few hundred ms each here).
  const early = i % 2 === 1
  const killed = early ? killAtProgress(() => jobId, null, uniform(rng, 0, 1500)) : killAtProgress(() => jobId, uniform(rng, 0, 0.9), uniform(rng, 0, 300))
  const outcome = await trainTagger(
    { datasetId: 1, split: { file: s.splitFile }, epochs: EPOCHS, top: 5, batch: BATCH, seed: s.seed, dataDir: dir },
    { onJobId: (id) => (jobId = id) }
  ).then(
    () => null,
    (err: unknown) => err
  )
  const kill = await killed
  if (kill === null) {
    await rm(dir, { recursive: true, force: true })
    return count(c, 'worker-train:finished-first', 'the run ended before the kill')
  }
  // The worker records its run's end (status 'completed', finished_at) and then reports to the pool:
  // a kill landing between the two (or while the worker's thread winds down: terminate() is not
  // instant) fails the job while the run, whole, is rightly 'completed'. Its files are still checked.
  if (runsCompletedBefore(dir, kill.goneMs)) {
    record(c, where, await checkDataDir(dir))
    await rm(dir, { recursive: true, force: true })
    return count(c, 'worker-train:finished-first', 'the run recorded its end before its worker was gone')
  }
  if (outcome === null) {
    c.jobsNotMarkedFailed++
    c.details.push(`${where}: the killed training job resolved`)
  }
  // The run's own row (what the app and the models command show) must say failed, and why, while this process lives on.
  const lib = Library.open(dir)
  try {
    for (const run of lib.runs.list()) {
      if (run.id === 1) continue
      if (run.status !== 'failed' || !run.error?.includes(KILL_REASON)) {
        c.jobsNotMarkedFailed++
        c.details.push(`${where}: run ${run.id} is ${run.status} (${run.error ?? 'no reason'}) after its worker was killed`)
      }
    }
  } finally {
    lib.close()
  }
  record(c, where, await checkDataDir(dir))
  await rm(dir, { recursive: true, force: true })
  return count(c, 'worker-train', kill.at)
}

/** True when the case's training run (every run but the fixture's run 1) was recorded 'completed' by `goneMs`. */
function runsCompletedBefore(dir: string, goneMs: number): boolean {
  const lib = Library.open(dir)
  try {
    const runs = lib.runs.list().filter((r) => r.id !== 1)
    return runs.length > 0 && runs.every((r) => r.status === 'completed' && r.finishedAt !== null && Date.parse(r.finishedAt) <= goneMs)
  } finally {
    lib.close()
  }
}

/** After a kind's kills, the pool's next job of that kind runs to the end. */
async function nextJobRuns(s: Setup, c: FaultCounts, kind: string): Promise<void> {
  try {
    if (kind === 'worker-render') await renderStyle({ contentPath: CONTENT, stylePath: STYLE, outPath: join(s.scratch, 'after-kills.wav'), options: RENDER })
    else {
      const dir = await caseDir(s, 'after-kills')
      await trainTagger({ datasetId: 1, split: { file: s.splitFile }, epochs: 1, top: 5, batch: BATCH, seed: s.seed, dataDir: dir })
    }
  } catch (err) {
    c.jobsNotMarkedFailed++
    c.details.push(`${kind}: the job after the kills failed (${describeError(err)})`)
  }
}

async function processImport(s: Setup, rng: Rng, c: FaultCounts, i: number): Promise<string> {
  const where = `process-import #${i + 1}`
  const dir = join(s.scratch, `process-import-${i}`)
  const args = ['import-mtat', s.dataset, '--data-dir', dir, '--json']
  const after = uniform(rng, 0, 1) * s.importMs
  const r = await runCliChild(args, { afterText: /import-mtat check/, delayMs: after })
  judgeChild(c, where, r, 'ok')
  if (existsSync(dir)) record(c, where, await checkDataDir(dir))
  // Run again, the import ends as a clean one did: the same clips, usable and not.
  const again = await runCliChild(args)
  judgeChild(c, `${where} (again)`, again, 'ok')
  if (again.code === 0) {
    const cleanLib = Library.open(s.base)
    const clean = clipCounts(cleanLib, 1)
    cleanLib.close()
    const lib = Library.open(dir)
    try {
      const mine = clipCounts(lib, lastJsonLine(again.stdout).datasetId as number)
      if (mine.all !== clean.all || mine.usable !== clean.usable) {
        c.integrityFailures++
        c.details.push(`${where}: the import run again holds ${mine.all} clips (${mine.usable} usable), a clean import ${clean.all} (${clean.usable})`)
      }
    } finally {
      lib.close()
    }
  }
  await rm(dir, { recursive: true, force: true })
  return r.killed ? count(c, 'process-import', `killed ${ms(after)} into the import; imported again`) : count(c, 'process-import:finished-first', 'the import ended before the kill')
}

function clipCounts(lib: Library, datasetId: number): { all: number; usable: number } {
  return { all: lib.clips.count({ datasetId, includeUnusable: true }), usable: lib.clips.count({ datasetId }) }
}

/** True once epoch `epoch`'s temporary checkpoint folder (model-files' `.epoch-NNN.tmp-...`) of run 2 is there. */
async function checkpointBeingWritten(dataDir: string, epoch: number): Promise<boolean> {
  const names = await readdir(join(dataDir, 'checkpoints', 'run-2')).catch(() => [] as string[])
  return names.some((n) => n.startsWith(`.epoch-${String(epoch).padStart(3, '0')}.tmp-`))
}

async function processCheckpoint(s: Setup, rng: Rng, c: FaultCounts, i: number): Promise<string> {
  const where = `process-checkpoint #${i + 1}`
  const dir = await caseDir(s, `process-checkpoint-${i}`)
  // Half the kills land as a checkpoint's temporary folder appears (within its write), half anywhere in the run.
  const delay = uniform(rng, 0, 6)
  // The setup's time includes the test evaluation after the last epoch: 0.7 of it ends within training.
  const after = uniform(rng, 0, 0.7) * s.trainMs
  const epoch = 1 + Math.floor(rng.uniform() * EPOCHS)
  const atWrite = i % 2 === 0
  const r = await runCliChild(trainArgs(s, dir), atWrite ? { when: () => checkpointBeingWritten(dir, epoch), delayMs: delay } : { afterText: /train-tagger \[/, delayMs: after })
  judgeChild(c, where, r, 'ok')
  record(c, where, await checkDataDir(dir))
  const resumed = await resumeMatches(s, c, where, dir)
  await rm(dir, { recursive: true, force: true })
  if (!r.killed) return count(c, 'process-checkpoint:finished-first', 'the run ended before the kill')
  return count(c, 'process-checkpoint', `killed ${atWrite ? `${delay.toFixed(1)} ms into checkpoint ${epoch}'s write` : `${ms(after)} into the run`}; ${resumed}`)
}

/**
 * The killed run resumed from its last checkpoint before the final one (or, with none, run again
 * from the start) must end with run 1's weights and losses exactly: same seed, same data order,
 * same arithmetic. Returns what it did, for the log.
 */
async function resumeMatches(s: Setup, c: FaultCounts, where: string, dir: string): Promise<string> {
  const lib = Library.open(dir)
  let last: { id: number; step: number } | undefined
  let killedRun: number | undefined
  try {
    const run = lib.runs.list().find((r) => r.id !== 1)
    killedRun = run?.id
    // Newest first; a run killed after its final checkpoint is resumed from the one before it.
    const final = Math.max(...s.reference.losses.keys())
    const cp = run === undefined ? undefined : lib.checkpoints.list({ runId: run.id }).find((c) => c.step < final)
    last = cp && { id: cp.id, step: cp.step }
  } finally {
    lib.close()
  }
  if (killedRun === undefined) return 'killed before its run was recorded'
  const args = last ? ['train-tagger', '--dataset', '1', '--epochs', String(EPOCHS), '--resume', String(last.id), '--data-dir', dir, '--json'] : trainArgs(s, dir)
  const r = await runCliChild(args)
  judgeChild(c, `${where} (resume)`, r, 'ok')
  if (r.code !== 0) return 'the resume failed'
  const resumed = await runResult(dir, lastJsonLine(r.stdout).runId as number)
  const ref = s.reference
  let worst = 0
  for (let k = 0; k < ref.weights.length; k++) worst = Math.max(worst, Math.abs(ref.weights[k]! - (resumed.weights[k] ?? NaN)))
  const lossDiffs = [...resumed.losses].map(([step, v]) => Math.abs(v - (ref.losses.get(step) ?? NaN)))
  const worstLoss = Math.max(0, ...lossDiffs)
  const from = last ? `resumed from step ${last.step}` : 'no checkpoint: run again'
  if (resumed.weights.length !== ref.weights.length || !(worst === 0) || !(worstLoss === 0)) {
    c.resumeMismatches++
    c.details.push(`${where}: ${from}: weights differ by ${worst}, losses by ${worstLoss}`)
    return from
  }
  return `${from}, weights and ${lossDiffs.length} losses identical`
}

async function processRender(s: Setup, rng: Rng, c: FaultCounts, i: number): Promise<string> {
  const where = `process-render #${i + 1}`
  const dir = join(s.scratch, `process-render-${i}`)
  await mkdir(join(dir, 'renders'), { recursive: true })
  const out = join(dir, 'renders', 'out.wav')
  // Half the kills land as the WAV's temporary file appears (its write takes a millisecond or two, so
  // many land just after the rename), half anywhere in the render.
  const writing = { dir: join(dir, 'renders'), name: /^\.out\.wav\.tmp-/ }
  const delay = uniform(rng, 0, 3)
  const after = uniform(rng, 0, 0.7) * s.renderMs
  const atWrite = i % 2 === 0
  const args = ['stylize', '--content', CONTENT, '--style', STYLE, '--out', out, ...renderFlags(), '--data-dir', dir, '--json']
  const r = await runCliChild(args, atWrite ? { watch: writing, delayMs: delay } : { afterText: /stylize \[/, delayMs: after })
  judgeChild(c, where, r, 'ok')
  record(c, where, await checkDataDir(dir))
  const left = existsSync(out) ? 'the WAV complete' : 'no WAV'
  await rm(dir, { recursive: true, force: true })
  if (!r.killed) return count(c, 'process-render:finished-first', 'the render ended before the kill')
  return count(c, 'process-render', `killed ${atWrite ? `${delay.toFixed(1)} ms into the WAV write` : `${ms(after)} into the render`}; ${left}`)
}

/** Bytes one checkpoint of the reference run takes (model.json + weights). */
async function checkpointBytes(s: Setup): Promise<number> {
  return folderBytes(join(s.base, 'checkpoints', 'run-1', 'epoch-001'))
}

async function diskFull(s: Setup, rng: Rng, c: FaultCounts, i: number): Promise<string> {
  const where = `disk-full #${i + 1}`
  const dir = join(s.scratch, `disk-full-${i}`)
  await mkdir(dir)
  // Room for the library, the decode cache and a fraction of the run's checkpoints: the disk fills in
  // the first or second checkpoint (or a metrics write just before), at a point the seed picks.
  const library = (await folderBytes(s.base)) - (await folderBytes(join(s.base, 'checkpoints'))) - (await folderBytes(join(s.base, 'renders')))
  // Alternately the first checkpoint cannot be written, or the second (the first must then stay whole).
  const share = uniform(rng, 0.05, 0.95) + (i % 2)
  const room = share * (await checkpointBytes(s))
  if (!mountTmpfs(dir, library + room)) return count(c, 'disk-full:skipped', 'tmpfs cannot be mounted here')
  try {
    for (const name of await readdir(s.base)) if (name !== 'checkpoints' && name !== 'renders') await cp(join(s.base, name), join(dir, name), { recursive: true })
    const r = await runCliChild(trainArgs(s, dir))
    if (r.code === 0) return count(c, 'disk-full:room-enough', `room for ${share.toFixed(2)} checkpoints was enough`)
    judgeChild(c, where, r, 'refused')
    const line = r.errorLines.find((l) => l.startsWith('error: ')) ?? ''
    if (!/disk full|no space|disk is full/i.test(line) || !line.includes(dir)) {
      c.unclearErrors++
      c.details.push(`${where}: the error does not name the full disk and the file: ${line}`)
    }
    const found = await checkDataDir(dir)
    record(c, where, found)
    const lib = Library.open(dir)
    const kept = lib.checkpoints.list({ runId: 2 }).length
    lib.close()
    return count(c, 'disk-full', `room for ${share.toFixed(2)} checkpoints; ${kept} kept; ${line.replace(dir, '<dir>')}`)
  } finally {
    unmount(dir)
    await rm(dir, { recursive: true, force: true })
  }
}

/** Commands a user may run on a data directory (a render written into it, training, import, listings). */
function readOnlyCommands(s: Setup, dir: string): string[][] {
  return [
    ['models', '--data-dir', dir],
    ['clips', '--dataset', '1', '--data-dir', dir],
    ['tags', '--data-dir', dir],
    ['import-mtat', s.dataset, '--data-dir', dir],
    trainArgs(s, dir),
    ['train-tagger', '--dataset', '1', '--epochs', String(EPOCHS + 1), '--resume', '1', '--data-dir', dir],
    ['evaluate', '--model', '1', '--data-dir', dir],
    ['tag', CONTENT, '--model', '1', '--data-dir', dir],
    ['export', '--model', '1', '--out', join(dir, 'exported'), '--data-dir', dir],
    ['stylize', '--content', CONTENT, '--style', STYLE, '--out', join(dir, 'renders', 'new.wav'), ...renderFlags(), '--data-dir', dir]
  ]
}

/**
 * Makes `dir` read-only: a read-only bind mount of `source` (root ignores permission bits), or,
 * not root, `source` itself with its write bits cleared. Null where neither can be done.
 */
function readOnlyView(source: string, dir: string): 'mount' | 'chmod' | null {
  if (process.getuid?.() !== 0) {
    execFileSync('chmod', ['-R', 'a-w', source])
    return 'chmod'
  }
  return mountReadOnly(source, dir) ? 'mount' : null
}

async function readOnly(s: Setup, rng: Rng, c: FaultCounts, i: number): Promise<string> {
  const source = await caseDir(s, `read-only-src-${i}`)
  const mounted = join(s.scratch, `read-only-${i}`)
  await mkdir(mounted)
  const how = readOnlyView(source, mounted)
  if (how === null) return count(c, 'read-only:skipped', 'a read-only mount cannot be made here')
  const dir = how === 'mount' ? mounted : source
  try {
    const commands = readOnlyCommands(s, dir)
    const args = commands[Math.floor(rng.uniform() * commands.length)]!
    const where = `read-only #${i + 1} (${args[0]})`
    const r = await runCliChild(args)
    judgeChild(c, where, r, 'refused')
    const line = r.errorLines.find((l) => l.startsWith('error: ')) ?? ''
    if (r.code !== 0 && !/read-only|permission denied/.test(line)) {
      c.unclearErrors++
      c.details.push(`${where}: the refusal does not say the folder is read-only: ${line}`)
    }
    return count(c, 'read-only', `${args[0]}: ${line.replace(dir, '<dir>')}`)
  } finally {
    if (how === 'mount') unmount(mounted)
    else execFileSync('chmod', ['-R', 'u+w', source])
    await rm(source, { recursive: true, force: true })
    await rm(mounted, { recursive: true, force: true })
  }
}
