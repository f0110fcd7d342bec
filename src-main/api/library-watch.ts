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
 * emits one libraryChanged { kind: 'external' } per poll that sees a change of what the views list
 * (Library.viewFingerprint: a training batch's loss alone is not one). The timer does not
 * hold the process open; a failing read (the library closed under it) stops the watch.
 */
export function watchExternalCommits(library: Library, events: EventHub, intervalMs: number = EXTERNAL_POLL_MS): LibraryWatch {
  let seen = library.dataVersion()
  let listed = library.viewFingerprint()
  const timer = setInterval(() => {
    try {
      const now = library.dataVersion()
      if (now === seen) return
      seen = now
      // A training job's worker commits each batch's loss: only a change the views list is announced.
      const fingerprint = library.viewFingerprint()
      if (fingerprint === listed) return
      listed = fingerprint
    } catch {
      clearInterval(timer)
      return
    }
    events.emit('libraryChanged', { kind: 'external', id: '' })
  }, intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
