// Types only (no database import), so the renderer's contract can name them.
import type { Seconds } from '../util/units'

/** One row of the tag browser: a clip of a tagging set with its metadata and merged tags. */
export interface ClipRow {
  id: number
  sourceKey: string
  title: string | null
  artist: string | null
  album: string | null
  durationS: Seconds | null
  /** Why the audio cannot be played ("audio file missing", a decode failure); null when it can. */
  problem: string | null
  tags: string[]
}

/** A tag of one dataset with how many of its clips carry it (missing audio included: the browser lists them). */
export interface DatasetTagCount {
  name: string
  clips: number
  aliases: string[]
  /** Among the dataset's 50 most frequent tags (the papers' tag set). */
  top: boolean
}
