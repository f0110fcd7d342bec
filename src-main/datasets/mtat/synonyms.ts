/**
 * The standard MagnaTagATune synonym groups (as used for the report's top-50 tagging setup).
 * The merged tag is named after the first entry of its group.
 */
export const MTAT_SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['beat', 'beats'],
  ['chant', 'chanting'],
  ['choir', 'choral'],
  ['classical', 'clasical', 'classic'],
  ['drum', 'drums'],
  ['electro', 'electronic', 'electronica', 'electric'],
  ['fast', 'fast beat', 'quick'],
  ['female', 'female singer', 'female singing', 'female vocal', 'female vocals', 'female voice', 'woman', 'woman singing', 'women'],
  ['flute', 'flutes'],
  ['guitar', 'guitars'],
  ['hard', 'hard rock'],
  ['harpsichord', 'harpsicord'],
  ['heavy', 'heavy metal', 'metal'],
  ['horn', 'horns'],
  ['india', 'indian'],
  ['jazz', 'jazzy'],
  ['male', 'male singer', 'male vocal', 'male vocals', 'male voice', 'man', 'man singing', 'men'],
  ['no beat', 'no drums'],
  ['no singer', 'no singing', 'no vocal', 'no vocals', 'no voice', 'no voices', 'instrumental'],
  ['opera', 'operatic'],
  ['orchestra', 'orchestral'],
  ['quiet', 'silence'],
  ['singer', 'singing'],
  ['space', 'spacey'],
  ['string', 'strings'],
  ['synth', 'synthesizer'],
  ['violin', 'violins'],
  ['vocal', 'vocals', 'voice', 'voices'],
  ['strange', 'weird']
]

/** How raw tag columns map onto merged tags. */
export interface TagMerge {
  /** Merged tag names, in order of first appearance among the columns. */
  merged: string[]
  /** For each raw column, the index of its merged tag. */
  columnToMerged: Int32Array
  /** Raw names that were folded into a differently named tag (alias -> merged name). */
  aliases: Map<string, string>
}

/** Maps raw tag names onto merged tags using `groups` (a name in no group stays itself). */
export function mergeTags(rawNames: readonly string[], groups: readonly (readonly string[])[] = MTAT_SYNONYM_GROUPS): TagMerge {
  const canonical = new Map<string, string>()
  for (const g of groups) for (const name of g) canonical.set(name, g[0]!)
  const merged: string[] = []
  const index = new Map<string, number>()
  const aliases = new Map<string, string>()
  const columnToMerged = new Int32Array(rawNames.length)
  rawNames.forEach((raw, col) => {
    const name = canonical.get(raw) ?? raw
    if (name !== raw) aliases.set(raw, name)
    let i = index.get(name)
    if (i === undefined) {
      i = merged.length
      merged.push(name)
      index.set(name, i)
    }
    columnToMerged[col] = i
  })
  return { merged, columnToMerged, aliases }
}
