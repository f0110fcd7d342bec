/** How one fuzz case ended and what it was; shared by the child that runs cases and the parent that tallies. */

/**
 * OK: a correct result. CLEAN-ERROR: one line (a UserError naming the file or thing and the
 * reason; at the CLI a non-zero exit and one stderr line). CRASH: any other error, a multi-line
 * message or stderr chatter, a dead process. HANG: past the per-case time bound. WRONG: success
 * with a provably wrong result, or a refusal of a file that is valid (see oracles/).
 */
export type Outcome = 'OK' | 'CLEAN-ERROR' | 'CRASH' | 'HANG' | 'WRONG'

/** The outcome classes, in table order. */
export const OUTCOMES: readonly Outcome[] = ['OK', 'CLEAN-ERROR', 'CRASH', 'HANG', 'WRONG']

/** The fuzz targets: the audio doors and the four importers. */
export const TARGETS = ['info', 'convert', 'stylize-load', 'import-mtat', 'import-vctk', 'import-mnist', 'import-glove'] as const
/** One fuzz target. */
export type Target = (typeof TARGETS)[number]

/** What a case is, known before it runs (so a hang can still be attributed). */
export interface CaseSpec {
  /** `seed:index`, the replay key. */
  id: string
  target: Target
  /** Mutation name; importer cases prefix the part of the dataset it hit (`vctk-audio:wav-data-size`). */
  mutation: string
  /** The seed file or dataset. */
  seedFile: string
  /** The mutation's parameters and the target's options. */
  note: string
}

/** A reference decoder's verdict on a case our decoder accepted. */
export interface ReferenceCheck {
  tool: string
  format: string
  /** true: same rate, channels and length within tolerance; false: they differ; null: the reference refused or is missing. */
  agree: boolean | null
  detail: string
}

/** What one case did. */
export interface CaseResult extends CaseSpec {
  outcome: Outcome
  /** The error line, the oracle that failed, or a short summary of the result. */
  detail: string
  /** Importers: PRAGMA integrity_check failed, or a failed import changed the library's bytes. */
  integrityFailure?: string
  reference?: ReferenceCheck
  ms: number
  /** Replay only: where the case's files were kept. */
  keptAt?: string
}
