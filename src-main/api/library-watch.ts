import type { Library } from '../library/library'
import type { EventHub } from './services'

/** How often the host looks for other connections' commits: a CLI rename shows within about this long. */
export const EXTERNAL_POLL_MS = 1000

/** A running watch; `stop` ends it (idempotent) and must come before the library closes. */
export interface LibraryWatch {
  stop(): void
}

/**
 * Follows commits other processes make to the library (the CLI renaming, importing or training; a
 * job's worker): polls PRAGMA data_version on the host's own connection, which changes only for
 * other connections' commits (so the host's own writes, already announced, are not echoed), and
 * emits one libraryChanged { kind: 'external' } per poll that sees a change. The timer does not
 * hold the process open; a failing read (the library closed under it) stops the watch.
 */
export function watchExternalCommits(library: Library, events: EventHub, intervalMs: number = EXTERNAL_POLL_MS): LibraryWatch {
  let seen = library.dataVersion()
  const timer = setInterval(() => {
    let now: number
    try {
      now = library.dataVersion()
    } catch {
      clearInterval(timer)
      return
    }
    if (now === seen) return
    seen = now
    events.emit('libraryChanged', { kind: 'external', id: '' })
  }, intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
