/** Where an import stands: which phase, and how far through it. */
export interface ImportProgress {
  phase: 'read' | 'check' | 'write'
  done: number
  total: number
}

/** Receives import progress (the CLI draws a bar; the app forwards it as an event). */
export type ProgressCallback = (p: ImportProgress) => void

/** Test seam: called inside the import transaction after each written row, so a test can fail it midway. */
export type AfterRowHook = (rowsWritten: number) => void

/** How often to report progress while writing: every this many rows (often enough for a smooth bar, rarely enough to cost nothing). */
export const PROGRESS_EVERY = 500
