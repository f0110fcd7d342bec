/**
 * Regression tests of the faults issue 18's bench found, each on its smallest input:
 *   - a checkpoint written to a full disk failed with "ENOSPC: no space left on device, write"
 *     (no file named): now one line naming the folder, and the checkpoint before it intact;
 *   - a read-only data directory was refused as "not a readable SQLite database (unable to open
 *     database file)", which reads as a damaged library: now it names the folder and the reason.
 *   - stylize --out into a read-only folder rendered for seconds, then failed at the write: now
 *     refused before the work.
 * They need a mount (root); where mounting is not allowed they are skipped, the non-root way of
 * making a folder read-only (write bits cleared) being used when not root.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { tf, tfl } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { loadCheckpoint, saveCheckpoint } from '../../../src-main/engine/train/checkpoint'
import { initialTrainState } from '../../../src-main/engine/train/loop'
import { Library } from '../../../src-main/library/library'
import { UserError } from '../../../src-main/util/errors'
import { checkOutputPath } from '../../../src-main/cli/output-path'
import { mountReadOnly, mountTmpfs, unmount } from '../../../bench/reliability/mounts'

const dirs: string[] = []
const mounted: string[] = []
afterEach(() => {
  for (const d of mounted.splice(0)) unmount(d)
  for (const d of dirs.splice(0)) {
    execFileSync('chmod', ['-R', 'u+w', d])
    rmSync(d, { recursive: true, force: true })
  }
})
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'eb-faults-'))
  dirs.push(d)
  return d
}

/**
 * A read-only folder (a read-only bind mount as root, which ignores permission bits; else write bits
 * cleared), holding what `fill` put in it first; null where it cannot be made (no mount allowed).
 */
function readOnlyDir(fill: (source: string) => void = () => {}): string | null {
  const source = tempDir()
  fill(source)
  if (process.getuid?.() !== 0) {
    execFileSync('chmod', ['-R', 'a-w', source])
    return source
  }
  const dir = tempDir()
  if (!mountReadOnly(source, dir)) return null
  mounted.push(dir)
  return dir
}

beforeAll(async () => {
  await initBackend('cpu')
})

/** A compiled dense net of 40x40 weights, never trained (Adam's moments do not exist yet): 6.6 KB of weights. */
function small(): tfl.LayersModel {
  const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [40], units: 40 })] })
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' })
  return m
}

describe('a checkpoint on a full disk', () => {
  it('fails in one line naming the folder; the checkpoint before it still loads; nothing half-written is left', async (ctx) => {
    const disk = tempDir()
    // A checkpoint takes three 4 KiB pages (weights.bin two, model.json one): room for one and not two.
    if (!mountTmpfs(disk, 20 * 1024)) return ctx.skip()
    mounted.push(disk)
    const m = small()
    const meta = { arch: 'test/dense', modelOptions: {}, extra: {}, state: initialTrainState(1) }
    await saveCheckpoint(m, join(disk, 'epoch-001'), meta)
    const second = join(disk, 'epoch-002')
    const err = await saveCheckpoint(m, second, meta).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect((err as Error).message).toBe(`${second}: cannot write (disk full)`)
    expect(readdirSync(disk)).toEqual(['epoch-001'])
    const { model } = await loadCheckpoint(join(disk, 'epoch-001'), 'test/dense')
    model.dispose()
    m.dispose()
  })
})

describe('a read-only data directory', () => {
  it('is refused by name and reason, not as a damaged library', (ctx) => {
    const dir = readOnlyDir((source) => Library.open(source).close())
    if (dir === null) return ctx.skip()
    expect(() => Library.open(dir)).toThrow(UserError)
    expect(() => Library.open(dir)).toThrow(new RegExp(`^data directory ${dir}: cannot write \\((read-only file system|permission denied)\\)$`))
  })

  it('a new data directory inside a read-only folder is refused with the reason, not a raw ENOENT', (ctx) => {
    const dir = readOnlyDir()
    if (dir === null) return ctx.skip()
    // Recursive mkdir says ENOENT here; the nearest existing folder says why.
    const inside = join(dir, 'new', 'data')
    expect(() => Library.open(inside)).toThrow(new RegExp(`^data directory ${inside}: cannot create it in ${dir}: cannot write \\((read-only file system|permission denied)\\)$`))
  })
})

describe('an output file in a read-only folder', () => {
  it('is refused before any work, naming the folder and the reason', async (ctx) => {
    const dir = readOnlyDir()
    if (dir === null) return ctx.skip()
    const out = join(dir, 'out.wav')
    const err = await checkOutputPath(out, []).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect((err as Error).message).toMatch(new RegExp(`^${dir}: cannot write \\((read-only file system|permission denied)\\)$`))
  })
})
