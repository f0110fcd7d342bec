import type { Db } from './open'
import { fromJson, nowIso } from './json'
import { parseChain, type EffectChain } from '../engine/effects/chain'
import { UserError } from '../util/errors'
import { freeName } from './names'

/** What a preset holds; only effect chains so far (the column leaves room for other kinds). */
export type PresetKind = 'effectChain'

/** A stored preset whose chain read back valid. */
export interface Preset {
  id: number
  name: string
  kind: PresetKind
  chain: EffectChain
  /** The render whose fitted chain this was saved from (null: imported, or that render was deleted). */
  sourceRenderId: number | null
  createdAt: string
  updatedAt: string
}

/** One line of a listing: a preset, or (chain null) one that cannot be read, with the reason. */
export type PresetEntry = Omit<Preset, 'chain'> & { chain: EffectChain | null; problem: string | null }

interface Row {
  id: number
  name: string
  kind: PresetKind
  chain_json: string
  source_render_id: number | null
  created_at: string
  updated_at: string
}

/** Named effect chains; every chain is checked by parseChain on the way in and on the way out. */
export class PresetRepository {
  constructor(private readonly db: Db) {}

  /** Stores a chain under `name`; returns its id. A chain parseChain refuses is never stored. */
  add(input: { name: string; chain: unknown; sourceRenderId?: number | null }): number {
    const name = this.freeName(input.name)
    const chain = parseChain(input.chain, `preset "${name}"`)
    const sourceRenderId = input.sourceRenderId ?? null
    if (sourceRenderId !== null && !this.db.prepare('SELECT 1 FROM renders WHERE id = ?').get(sourceRenderId)) {
      throw new UserError(`render ${sourceRenderId}: not in the library`)
    }
    const now = nowIso()
    return (
      this.db
        .prepare('INSERT INTO presets (name, kind, chain_json, source_render_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id')
        .get(name, 'effectChain', JSON.stringify(chain), sourceRenderId, now, now) as { id: number }
    ).id
  }

  /** One preset by id, its chain validated (undefined when there is no such id). */
  get(id: number): Preset | undefined {
    const row = this.db.prepare('SELECT * FROM presets WHERE id = ?').get(id) as Row | undefined
    return row && toPreset(row)
  }

  /** One preset by id, or one line saying it is not there. */
  require(id: number): Preset {
    const p = this.get(id)
    if (!p) throw new UserError(`preset ${id}: not in the library`)
    return p
  }

  /** Every preset by name; one that no longer reads as a chain is listed with its problem, not dropped. */
  list(): PresetEntry[] {
    const rows = this.db.prepare('SELECT * FROM presets ORDER BY name COLLATE NOCASE, id').all() as Row[]
    return rows.map((r) => {
      try {
        return { ...toPreset(r), problem: null }
      } catch (err) {
        return { ...meta(r), chain: null, problem: err instanceof Error ? err.message : String(err) }
      }
    })
  }

  /** Renames a preset; false when there is no such id. */
  rename(id: number, name: string): boolean {
    const checked = this.freeName(name, id)
    return this.db.prepare('UPDATE presets SET name = ?, updated_at = ? WHERE id = ?').run(checked, nowIso(), id).changes > 0
  }

  /** A checked name no other preset has (names.ts' freeName: compared without case and in one Unicode form). */
  private freeName(name: string, ownId?: number): string {
    return freeName(this.db, 'presets', 'preset', name, ownId ?? -1)
  }

  /** Deletes a preset; false when there is no such id. */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM presets WHERE id = ?').run(id).changes > 0
  }
}

function meta(r: Row): Omit<Preset, 'chain'> {
  return { id: r.id, name: r.name, kind: r.kind, sourceRenderId: r.source_render_id, createdAt: r.created_at, updatedAt: r.updated_at }
}

function toPreset(r: Row): Preset {
  const where = `preset ${r.id}`
  return { ...meta(r), chain: parseChain(fromJson<unknown>(r.chain_json, `presets#${r.id}`), where) }
}
