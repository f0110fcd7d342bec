import type { Db } from './open'
import { nowIso } from './json'
import { UserError } from '../util/errors'
import type { Decibels, Hz, Seconds } from '../util/units'

/** A region of audio placed on a track. */
export interface TrackClip {
  id?: number
  sourcePath: string
  startS: Seconds
  offsetS: Seconds
  durationS: Seconds
  gainDb: Decibels
  renderId: number | null
}

/** One timeline track; its order in `Project.tracks` is its position. */
export interface Track {
  id?: number
  name: string
  gainDb: Decibels
  /** -1 (left) .. 1 (right). */
  pan: number
  muted: boolean
  solo: boolean
  clips: TrackClip[]
}

/** A timeline project with everything on it. */
export interface Project {
  id: number
  name: string
  bpm: number
  sampleRate: Hz
  createdAt: string
  updatedAt: string
  tracks: Track[]
}

/** A project as listed (without its tracks). */
export type ProjectSummary = Omit<Project, 'tracks'> & { trackCount: number }

interface ProjectRow {
  id: number
  name: string
  bpm: number
  sample_rate: number
  created_at: string
  updated_at: string
  track_count?: number
}

/** Timeline projects, their tracks and clips. */
export class ProjectRepository {
  constructor(private readonly db: Db) {}

  /** Creates an empty project; returns its id. */
  create(input: { name: string; bpm?: number; sampleRate?: Hz }): number {
    const now = nowIso()
    checkProject(input.name, input.bpm ?? 120, input.sampleRate ?? 44100)
    return (
      this.db
        .prepare('INSERT INTO projects (name, bpm, sample_rate, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id')
        .get(input.name, input.bpm ?? 120, input.sampleRate ?? 44100, now, now) as { id: number }
    ).id
  }

  /** Every project, most recently saved first. */
  list(): ProjectSummary[] {
    const rows = this.db
      .prepare(
        `SELECT p.*, (SELECT COUNT(*) FROM tracks t WHERE t.project_id = p.id) AS track_count
         FROM projects p ORDER BY p.updated_at DESC, p.id DESC`
      )
      .all() as ProjectRow[]
    return rows.map((r) => ({ ...toSummary(r), trackCount: r.track_count ?? 0 }))
  }

  /** One project with its tracks (in position order) and their clips (by start time). */
  get(id: number): Project | undefined {
    const row = this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as ProjectRow | undefined
    if (!row) return undefined
    const tracks = this.db.prepare('SELECT * FROM tracks WHERE project_id = ? ORDER BY position').all(id) as {
      id: number
      name: string
      gain_db: number
      pan: number
      muted: number
      solo: number
    }[]
    const clipStmt = this.db.prepare('SELECT * FROM track_clips WHERE track_id = ? ORDER BY start_s, id')
    return {
      ...toSummary(row),
      tracks: tracks.map((t) => ({
        id: t.id,
        name: t.name,
        gainDb: t.gain_db,
        pan: t.pan,
        muted: t.muted === 1,
        solo: t.solo === 1,
        clips: (
          clipStmt.all(t.id) as {
            id: number
            source_path: string
            start_s: number
            offset_s: number
            duration_s: number
            gain_db: number
            render_id: number | null
          }[]
        ).map((c) => ({
          id: c.id,
          sourcePath: c.source_path,
          startS: c.start_s,
          offsetS: c.offset_s,
          durationS: c.duration_s,
          gainDb: c.gain_db,
          renderId: c.render_id
        }))
      }))
    }
  }

  /**
   * Saves a project: its settings, and its tracks and clips replaced wholesale, in one transaction
   * (a failed save leaves the previous version intact). Returns the project as stored, with new ids.
   */
  save(p: Omit<Project, 'createdAt' | 'updatedAt'>): Project {
    checkProject(p.name, p.bpm, p.sampleRate)
    p.tracks.forEach(checkTrack)
    const insertTrack = this.db.prepare(
      'INSERT INTO tracks (project_id, position, name, gain_db, pan, muted, solo) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id'
    )
    const insertClip = this.db.prepare(
      'INSERT INTO track_clips (track_id, source_path, start_s, offset_s, duration_s, gain_db, render_id) VALUES (?, ?, ?, ?, ?, ?, ?)'
    )
    this.db.transaction(() => {
      const updated = this.db
        .prepare('UPDATE projects SET name = ?, bpm = ?, sample_rate = ?, updated_at = ? WHERE id = ?')
        .run(p.name, p.bpm, p.sampleRate, nowIso(), p.id)
      if (updated.changes === 0) throw new UserError(`project ${p.id}: no such project`)
      this.db.prepare('DELETE FROM tracks WHERE project_id = ?').run(p.id)
      p.tracks.forEach((t, position) => {
        const trackId = (insertTrack.get(p.id, position, t.name, t.gainDb, t.pan, t.muted ? 1 : 0, t.solo ? 1 : 0) as { id: number }).id
        for (const c of t.clips) insertClip.run(trackId, c.sourcePath, c.startS, c.offsetS, c.durationS, c.gainDb, c.renderId)
      })
    })()
    return this.get(p.id)!
  }

  /** Deletes a project with its tracks and clips; false when there was none. */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM projects WHERE id = ?').run(id).changes > 0
  }
}

function toSummary(r: ProjectRow): Omit<Project, 'tracks'> {
  return { id: r.id, name: r.name, bpm: r.bpm, sampleRate: r.sample_rate, createdAt: r.created_at, updatedAt: r.updated_at }
}

function checkProject(name: string, bpm: number, sampleRate: number): void {
  if (name.trim() === '') throw new UserError('project name: must not be empty')
  // 1..999 BPM covers every musical tempo; anything else is a typo.
  if (!(bpm >= 1 && bpm <= 999)) throw new UserError(`project "${name}": tempo ${bpm} BPM is outside 1..999`)
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new UserError(`project "${name}": sample rate ${sampleRate} is not a positive integer`)
}

function checkTrack(t: Track, position: number): void {
  const where = `track ${position + 1} "${t.name}"`
  if (!(t.pan >= -1 && t.pan <= 1)) throw new UserError(`${where}: pan ${t.pan} is outside -1..1`)
  if (!Number.isFinite(t.gainDb)) throw new UserError(`${where}: gain ${t.gainDb} dB is not a number`)
  t.clips.forEach((c, i) => {
    if (!(c.startS >= 0)) throw new UserError(`${where} clip ${i + 1}: start ${c.startS} s is negative`)
    if (!(c.offsetS >= 0)) throw new UserError(`${where} clip ${i + 1}: offset ${c.offsetS} s is negative`)
    if (!(c.durationS > 0)) throw new UserError(`${where} clip ${i + 1}: duration ${c.durationS} s is not positive`)
  })
}
