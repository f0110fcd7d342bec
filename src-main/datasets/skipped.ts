/** A source row the importer left out, with its 1-based line number and why. */
export interface SkippedRow {
  line: number
  reason: string
}
