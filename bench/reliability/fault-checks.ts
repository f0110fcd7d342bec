/**
 * What a data directory must look like after any fault (issue 18, part 1): the library passes
 * SQLite's integrity check; no file under its final name is half-written (every WAV holds the bytes
 * its header states, every JSON parses, every checkpoint folder loads, every decode-cache file holds
 * whole samples); and no training run is left
 * 'running' once the process that ran it is gone (it is 'failed' with a reason).
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Library } from '../../src-main/library/library'
import { loadModel } from '../../src-main/engine/models/model-files'
import { readWavLayout } from '../../src-main/audio/wav-decode'
import { describeError } from '../../src-main/util/errors'

/** What one look at a data directory found: each list holds one line per problem. */
export interface DirFindings {
  integrity: string[]
  halfWritten: string[]
  /** Runs still 'running', or 'failed' without a reason, after the library was reopened. */
  runsNotFailed: string[]
  /** Temporary files and folders left by a killed writer (not under a final name: garbage, not damage). */
  temps: number
}

/** A writer's temporary sibling (util/atomic-write, engine/models/model-files): `.name.tmp-PID-HEX`. */
const TEMP_NAME = /^\..+\.tmp-\d+-[0-9a-f]+/

/**
 * Opens the library of `dataDir` as the next process would (so its own repair on open runs) and
 * checks every file under the folder: no run may be left 'running', and a failed one needs a reason.
 */
export async function checkDataDir(dataDir: string): Promise<DirFindings> {
  const found: DirFindings = { integrity: [], halfWritten: [], runsNotFailed: [], temps: 0 }
  let lib: Library
  try {
    lib = Library.open(dataDir)
  } catch (err) {
    found.integrity.push(`${dataDir}: the library does not open (${describeError(err)})`)
    return found
  }
  const checkpointDirs: string[] = []
  try {
    const verdict = lib.integrityCheck()
    if (verdict !== 'ok') found.integrity.push(`${dataDir}: integrity_check says ${verdict}`)
    for (const run of lib.runs.list()) {
      if (run.status === 'running') found.runsNotFailed.push(`run ${run.id}: still 'running' after its process ended`)
      else if (run.status === 'failed' && !run.error) found.runsNotFailed.push(`run ${run.id}: failed without a reason`)
    }
    for (const c of lib.checkpoints.list()) checkpointDirs.push(c.path)
  } finally {
    lib.close()
  }
  for (const dir of checkpointDirs) {
    const problem = await checkpointProblem(dir)
    if (problem) found.halfWritten.push(`checkpoint in the library ${problem}`)
  }
  await walk(dataDir, found, new Set(checkpointDirs))
  return found
}

async function walk(dir: string, found: DirFindings, checked: Set<string>): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (TEMP_NAME.test(entry.name)) {
      found.temps++
      continue
    }
    if (entry.isDirectory()) {
      // A checkpoint folder under its final name must load whether or not the library recorded it.
      if (/^epoch-\d+$/.test(entry.name) && !checked.has(path)) {
        const problem = await checkpointProblem(path)
        if (problem) found.halfWritten.push(`checkpoint folder ${problem}`)
        continue
      }
      if (!checked.has(path)) await walk(path, found, checked)
      continue
    }
    const problem = entry.name.endsWith('.wav')
      ? await wavProblem(path)
      : entry.name.endsWith('.json')
        ? await jsonProblem(path)
        : entry.name.endsWith('.f32')
          ? await f32Problem(path)
          : null
    if (problem) found.halfWritten.push(problem)
  }
}

/** A checkpoint folder that does not load as a model: the reason, else null. */
async function checkpointProblem(dir: string): Promise<string | null> {
  try {
    const model = await loadModel(dir)
    model.dispose()
    return null
  } catch (err) {
    return `${dir}: does not load (${describeError(err)})`
  }
}

/** A WAV whose RIFF size or data chunk claims more (or fewer) bytes than the file has: the reason, else null. */
export async function wavProblem(path: string): Promise<string | null> {
  const bytes = new Uint8Array(await readFile(path))
  try {
    if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'RIFF') return `${path}: no RIFF header (${bytes.length} bytes)`
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const riff = view.getUint32(4, true)
    if (riff + 8 !== bytes.length) return `${path}: the RIFF header says ${riff + 8} bytes, the file has ${bytes.length}`
    const layout = readWavLayout(bytes, path)
    const stated = view.getUint32(layout.dataStart - 4, true)
    const frames = stated / layout.fmt.blockAlign
    if (frames !== layout.frames) return `${path}: the data chunk states ${frames} frames, ${layout.frames} are there`
    return null
  } catch (err) {
    return `${path}: does not decode (${describeError(err)})`
  }
}

/** A decode-cache file (datasets/audio-cache: raw float32 samples) that is empty or ends mid-sample. */
async function f32Problem(path: string): Promise<string | null> {
  const { size } = await stat(path)
  return size > 0 && size % 4 === 0 ? null : `${path}: ${size} bytes, not whole float32 samples`
}

async function jsonProblem(path: string): Promise<string | null> {
  try {
    JSON.parse(await readFile(path, 'utf8'))
    return null
  } catch (err) {
    return `${path}: not whole JSON (${describeError(err)})`
  }
}

/** Bytes under `dir`, all files counted (for sizing a small disk). */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    total += entry.isDirectory() ? await folderBytes(path) : (await stat(path)).size
  }
  return total
}
