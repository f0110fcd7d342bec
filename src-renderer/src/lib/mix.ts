/** Which tracks are heard: mute, solo, and the A/B switch between an output and its content. */

/** The fields of a track that decide whether it is heard. */
export interface MixTrack {
  id: string
  kind: 'content' | 'style' | 'output'
  muted: boolean
  solo: boolean
}

/** A/B comparison: off, or listening to the output (A) or to the content it came from (B). */
export type AbState = { mode: 'off' } | { mode: 'A' | 'B'; outputId: string }

/**
 * Track ids that are audible. A/B overrides everything (only the compared track plays, so the
 * switch is a clean comparison at the same position); otherwise soloed tracks win, then mutes apply.
 */
export function audibleTracks(tracks: readonly MixTrack[], ab: AbState): Set<string> {
  if (ab.mode !== 'off') {
    const target = ab.mode === 'A' ? tracks.find((t) => t.id === ab.outputId) : tracks.find((t) => t.kind === 'content')
    return new Set(target ? [target.id] : [])
  }
  const soloed = tracks.filter((t) => t.solo)
  const pool = soloed.length > 0 ? soloed : tracks.filter((t) => !t.muted)
  return new Set(pool.map((t) => t.id))
}
