import type { Project, ProjectSummary, RenderInfo, RenderOutput, StylizeReport, Track, TrackKind } from '../../src-preload/api'
import { Library } from '../library/library'
import type { Project as StoredProject, Track as StoredTrack } from '../library/projects'
import { UserError } from '../util/errors'
import { displayName, type AudioService } from './audio'
import type { EventHub } from './services'

/** The project methods plus the open library (the render service records renders in it). */
export interface ProjectService {
  handlers: {
    listProjects(): Promise<ProjectSummary[]>
    createProject(req: { name: string }): Promise<Project>
    loadProject(req: { id: string }): Promise<Project>
    saveProject(req: Project): Promise<ProjectSummary>
    deleteProject(req: { id: string }): Promise<{ deleted: boolean }>
  }
  /** Appends a finished render as an output track of a project (once per render); emits libraryChanged. */
  addOutput(projectId: string, out: RenderOutput): void
  /** Appends an audio file made without a render (a WaveNet's) as an output track "LABEL #N" (once per file); emits libraryChanged. */
  addAudioTrack(projectId: string, audio: { path: string; duration: number }, label: string): void
  library: Library
  close(): void
}

/**
 * Track kinds are positional, which keeps the stored schema free of UI notions: position 0 is the
 * content track, position 1 the style track, every later track an output. Saving checks that order.
 */
export function kindAt(position: number): TrackKind {
  return position === 0 ? 'content' : position === 1 ? 'style' : 'output'
}

/** Projects (tracks and clips) saved in the library database. */
export async function createProjectService(opts: { dataDir: string; events: EventHub; audio?: Pick<AudioService, 'assertInsideRoots'> }): Promise<ProjectService> {
  const library = Library.open(opts.dataDir)

  const parseId = (id: string): number => {
    const n = Number(id)
    if (!Number.isSafeInteger(n) || n <= 0) throw new UserError(`project ${id}: not a project id`)
    return n
  }

  const renderInfo = (renderId: number | null): RenderInfo | undefined => {
    if (renderId === null) return undefined
    const r = library.renders.get(renderId)
    const report = r?.params.report as StylizeReport | undefined
    if (!r || !report) return undefined
    return { renderId: String(r.id), contentPath: r.inputs.content ?? '', stylePath: r.inputs.style ?? '', report }
  }

  const toProject = (p: StoredProject): Project => ({
    id: String(p.id),
    name: p.name,
    updatedAt: Date.parse(p.updatedAt),
    tracks: p.tracks.map((t, position): Track => {
      const render = renderInfo(t.clips.find((c) => c.renderId !== null)?.renderId ?? null)
      return {
        id: String(t.id),
        kind: kindAt(position),
        name: t.name,
        muted: t.muted,
        solo: t.solo,
        clips: t.clips.map((c) => ({ id: String(c.id), path: c.sourcePath, name: displayName(c.sourcePath), start: c.startS, duration: c.durationS })),
        ...(render ? { render } : {})
      }
    })
  })

  const summary = (p: Project): ProjectSummary => ({ id: p.id, name: p.name, updatedAt: p.updatedAt })

  const get = (id: string): StoredProject => {
    const p = library.projects.get(parseId(id))
    if (!p) throw new UserError(`project ${id}: no such project`)
    return p
  }

  const save = (p: Project): Project => {
    const stored = get(p.id)
    p.tracks.forEach((t, i) => {
      if (t.kind !== kindAt(i)) throw new UserError(`project "${p.name}": track ${i + 1} "${t.name}" must be a ${kindAt(i)} track, not ${t.kind}`)
    })
    const tracks: StoredTrack[] = p.tracks.map((t) => {
      const renderId = t.render ? Number(t.render.renderId) : null
      return {
        name: t.name,
        gainDb: 0,
        pan: 0,
        muted: t.muted,
        solo: t.solo,
        clips: t.clips.map((c) => ({
          sourcePath: c.path,
          startS: c.start,
          offsetS: 0,
          durationS: c.duration,
          gainDb: 0,
          renderId: renderId !== null && Number.isSafeInteger(renderId) ? renderId : null
        }))
      }
    })
    const saved = toProject(library.projects.save({ id: stored.id, name: p.name, bpm: stored.bpm, sampleRate: stored.sampleRate, tracks }))
    opts.events.emit('libraryChanged', { kind: 'project', id: saved.id })
    return saved
  }

  const handlers: ProjectService['handlers'] = {
    async listProjects() {
      return library.projects.list().map((p) => ({ id: String(p.id), name: p.name, updatedAt: Date.parse(p.updatedAt) }))
    },
    async createProject({ name }) {
      const id = library.projects.create({ name })
      const empty = (kind: TrackKind, trackName: string): Track => ({ id: `new-${kind}`, kind, name: trackName, muted: false, solo: false, clips: [] })
      return save({ id: String(id), name, updatedAt: Date.now(), tracks: [empty('content', 'Content'), empty('style', 'Style')] })
    },
    async loadProject({ id }) {
      return toProject(get(id))
    },
    async saveProject(p) {
      // A clip names a file the app will read: a new one outside the roots is refused now, not stored.
      // Clips the project already holds stay: an AppImage's bundled examples move with every mount.
      if (opts.audio) {
        const held = new Set(get(p.id).tracks.flatMap((t) => t.clips.map((c) => c.sourcePath)))
        for (const t of p.tracks) for (const c of t.clips) if (!held.has(c.path)) await opts.audio.assertInsideRoots(c.path, `project "${p.name}": clip`)
      }
      return summary(save(p))
    },
    async deleteProject({ id }) {
      const deleted = library.projects.remove(parseId(id))
      if (deleted) opts.events.emit('libraryChanged', { kind: 'project', id })
      return { deleted }
    }
  }
  /** Appends one output track holding `audio` unless a clip of the project already is it (`same`). */
  const appendOutput = (projectId: string, label: string, audio: { path: string; duration: number }, renderId: number | null, same: (c: StoredTrack['clips'][number]) => boolean): void => {
    const stored = get(projectId)
    if (stored.tracks.some((t) => t.clips.some(same))) return
    const outputs = stored.tracks.filter((_, i) => kindAt(i) === 'output').length
    const track: StoredTrack = {
      // Same naming as the renderer's tracks store ("gram #2"), so both sides agree.
      name: `${label} #${outputs + 1}`,
      gainDb: 0,
      pan: 0,
      muted: false,
      solo: false,
      clips: [{ sourcePath: audio.path, startS: 0, offsetS: 0, durationS: audio.duration, gainDb: 0, renderId }]
    }
    library.projects.save({ id: stored.id, name: stored.name, bpm: stored.bpm, sampleRate: stored.sampleRate, tracks: [...stored.tracks, track] })
    opts.events.emit('libraryChanged', { kind: 'project', id: projectId })
  }
  const addOutput = (projectId: string, out: RenderOutput): void => {
    const renderId = Number(out.renderId)
    appendOutput(projectId, out.report.method, out.audio, renderId, (c) => c.renderId === renderId)
  }
  const addAudioTrack = (projectId: string, audio: { path: string; duration: number }, label: string): void =>
    appendOutput(projectId, label, audio, null, (c) => c.sourcePath === audio.path)

  return { handlers, addOutput, addAudioTrack, library, close: () => library.close() }
}
