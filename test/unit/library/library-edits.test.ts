import { afterEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Library } from '../../../src-main/library/library'
import { openDatabase } from '../../../src-main/library/open'
import { migrations } from '../../../src-main/library/migrations'
import { tempLibrary } from './helpers'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})
const fresh = (): Library => {
  const t = tempLibrary()
  cleanups.push(() => t.dispose())
  return t.lib
}

/** A model with one run of two checkpoints (folders under /ckpt), returning the ids. */
function seed(lib: Library, name = 'tagger A'): { modelId: number; runId: number; checkpointIds: number[] } {
  const modelId = lib.models.create({ name, kind: 'tagger/dieleman' })
  const runId = lib.runs.create({ modelId, config: { epochs: 2 } })
  lib.runs.addMetrics(runId, 1, { loss: 0.7 })
  const checkpointIds = [1, 2].map((e) => lib.checkpoints.add({ runId, path: `/ckpt/${name}/${e}`, step: e * 10, metrics: { epoch: e } }))
  return { modelId, runId, checkpointIds }
}

describe('render names (migration 5)', () => {
  it('names the renders of a version-4 library "<method> <id>" and every new render without a name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-lib-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const old = openDatabase(dir, migrations.filter((m) => m.version <= 4))
    old.prepare("INSERT INTO renders (method, inputs_json, output_path, created_at) VALUES ('gram', '{}', '/o.wav', '2026-01-01')").run()
    old.close()
    const lib = Library.open(dir)
    cleanups.push(() => lib.close())
    expect(lib.renders.get(1)?.name).toBe('gram 1')
    const id = lib.renders.add({ method: 'texture', inputs: {}, outputPath: '/p.wav' })
    expect(lib.renders.get(id)?.name).toBe(`texture ${id}`)
    const named = lib.renders.add({ method: 'match', inputs: {}, outputPath: '/q.wav', name: 'Radio take' })
    expect(lib.renders.get(named)?.name).toBe('Radio take')
    expect(lib.integrityCheck()).toBe('ok')
  })

  it('a row written with an empty name is refused by the schema', () => {
    const lib = fresh()
    expect(() => lib.renders.add({ method: 'texture', inputs: {}, outputPath: '/p.wav', name: '' })).toThrow(/CHECK/)
  })
})

describe('renaming models and renders', () => {
  it('renames, and refuses a name another row has (any case), an empty one and an unknown id in one line, changing nothing', () => {
    const lib = fresh()
    const a = seed(lib, 'tagger A').modelId
    const b = seed(lib, 'tagger B').modelId
    expect(lib.models.rename(a, '  Warm tagger ').name).toBe('Warm tagger')
    const before = lib.snapshot()
    expect(() => lib.models.rename(b, 'WARM TAGGER')).toThrow(`model name: "WARM TAGGER" is taken by model ${a}`)
    expect(() => lib.models.rename(b, '   ')).toThrow('model name: empty')
    expect(() => lib.models.rename(99, 'x')).toThrow('model 99: not in the library')
    const r1 = lib.renders.add({ method: 'gram', inputs: {}, outputPath: '/1.wav' })
    const r2 = lib.renders.add({ method: 'gram', inputs: {}, outputPath: '/2.wav' })
    expect(() => lib.renders.rename(r2, `gram ${r1}`)).toThrow(`render name: "gram ${r1}" is taken by render ${r1}`)
    expect(lib.renders.rename(r2, 'Night drive').name).toBe('Night drive')
    expect(lib.snapshot().models).toEqual(before.models)
    expect(lib.integrityCheck()).toBe('ok')
  })
})

describe('removing models, runs and checkpoints', () => {
  it('a model goes with its runs, metrics and checkpoints in one transaction; renders made with them keep their rows', () => {
    const lib = fresh()
    const s = seed(lib)
    const other = seed(lib, 'other')
    const render = lib.renders.add({ method: 'activation', inputs: {}, outputPath: '/r.wav', checkpointId: s.checkpointIds[0]! })
    const out = lib.models.remove(s.modelId)
    expect(out?.checkpointPaths).toEqual(['/ckpt/tagger A/1', '/ckpt/tagger A/2'])
    expect(lib.models.get(s.modelId)).toBeUndefined()
    expect(lib.runs.get(s.runId)).toBeUndefined()
    expect(lib.runs.metrics(s.runId)).toEqual([])
    expect(lib.checkpoints.list({ runId: s.runId })).toEqual([])
    expect(lib.renders.get(render)?.checkpointId).toBeNull()
    expect(lib.checkpoints.list({ runId: other.runId })).toHaveLength(2)
    expect(lib.models.remove(s.modelId)).toBeUndefined()
    expect(lib.integrityCheck()).toBe('ok')
  })

  it('a run goes with its checkpoints, a checkpoint alone', () => {
    const lib = fresh()
    const s = seed(lib)
    expect(lib.checkpoints.remove(s.checkpointIds[1]!)?.path).toBe('/ckpt/tagger A/2')
    expect(lib.checkpoints.list({ runId: s.runId }).map((c) => c.id)).toEqual([s.checkpointIds[0]])
    expect(lib.runs.remove(s.runId)?.checkpointPaths).toEqual(['/ckpt/tagger A/1'])
    expect(lib.models.get(s.modelId)).toBeDefined()
    expect(lib.runs.remove(s.runId)).toBeUndefined()
    const db = new Database(join(lib.dataDir, 'library.sqlite'), { readonly: true })
    expect(db.pragma('foreign_key_check')).toEqual([])
    db.close()
  })
})
