import type { Ref } from 'vue'

/** The library view's one line about the last action: what it did, or why it was refused. */
export interface LibraryNote {
  text: string
  error: boolean
}

/** An error's one line (the services' refusals are already one line). */
export const errorLine = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/**
 * Runs one action of the library view and puts its outcome in `note`: the line it returns (a string
 * is a success), or the one line of its error.
 */
export async function noteOutcome(note: Ref<LibraryNote | null>, action: () => Promise<string | LibraryNote>): Promise<void> {
  try {
    const out = await action()
    note.value = typeof out === 'string' ? { text: out, error: false } : out
  } catch (err) {
    note.value = { text: errorLine(err), error: true }
  }
}
