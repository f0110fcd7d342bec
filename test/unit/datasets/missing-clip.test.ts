import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkClipAudio, skippedClip } from '../../../src-main/datasets/validity'
import { encodeWav } from '../../../src-main/audio/index'
import { tempLibrary } from '../library/helpers'
import { Library } from '../../../src-main/library/library'
import { openDatabase } from '../../../src-main/library/open'
import { migrations } from '../../../src-main/library/migrations'

describe('a clip whose file a training run found missing', () => {
  let t: ReturnType<typeof tempLibrary> | null = null
  afterEach(() => t?.dispose())

  it('is recorded as missing, not as a decode failure, and a plain re-import of the restored file makes it usable again', () => {
    t = tempLibrary()
    const { lib, dir } = t
    const path = join(dir, 'ds', '1.wav')
    const d = lib.datasets.upsert({ kind: 'vctk', name: 'V', rootPath: join(dir, 'ds') })
    const id = lib.clips.upsert(d, { sourceKey: '1', path, missing: false, durationS: null, sampleRate: 16000 })
    // What a training run does with a read that failed because the file is gone.
    const s = skippedClip(id, path, new Error(`ENOENT: no such file or directory, open '${path}'`))
    lib.clips.markUnreadable(s.clipId, s.reason, s.missing)
    const stored = () => lib.clips.list({ includeUnusable: true })[0]!
    expect([stored().missing, stored().unusable]).toEqual([true, null])
    // The folder is restored; the importer re-checks the file and the clip is usable.
    mkdirSync(join(dir, 'ds'))
    writeFileSync(path, encodeWav([new Float32Array(160).fill(0.1)], 16000))
    lib.clips.upsert(d, { sourceKey: '1', path, ...checkClipAudio(path) })
    expect([stored().missing, stored().unusable, lib.clips.count({})]).toEqual([false, null, 1])
  })

  it('a library that recorded it as a decode failure (before version 6) has it missing after the upgrade', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-missing-v5-'))
    try {
      const v5 = openDatabase(dir, migrations.slice(0, 5))
      v5.prepare("INSERT INTO datasets (kind, name, root_path, imported_at) VALUES ('mtat', 'old', '/old', '2024-01-01T00:00:00Z')").run()
      const ins = v5.prepare("INSERT INTO clips (dataset_id, source_key, path, sample_rate, unusable) VALUES (1, ?, ?, 16000, ?)")
      ins.run('1', '/old/1.mp3', 'file not found')
      ins.run('2', '/old/2.mp3', "ENOENT: no such file or directory, open '/old/2.mp3'")
      ins.run('3', '/old/3.mp3', 'not a recognised audio file')
      v5.close()
      const lib = Library.open(dir)
      try {
        const rows = lib.clips.list({ includeUnusable: true }).map((c) => [c.sourceKey, c.missing, c.unusable])
        expect(rows).toEqual([['1', true, null], ['2', true, null], ['3', false, 'not a recognised audio file']])
        expect(lib.integrityCheck()).toBe('ok')
      } finally {
        lib.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a file that is there but does not decode stays a decode failure', () => {
    t = tempLibrary()
    const path = join(t.dir, 'bad.wav')
    writeFileSync(path, 'not audio')
    expect(skippedClip(1, path, new Error(`${path}: not a recognised audio file`))).toEqual({ clipId: 1, path, reason: 'not a recognised audio file', missing: false })
  })
})
