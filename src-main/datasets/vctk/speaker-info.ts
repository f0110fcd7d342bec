import type { SpeakerInput } from '../../library/speakers'
import type { SkippedRow } from '../skipped'

/**
 * Parses VCTK's speaker-info.txt: columns ID, AGE, GENDER, ACCENTS, REGION separated by irregular
 * runs of spaces; IDs written "225" or "p225"; regions of several words; a parenthesised remark at
 * the end of some lines; comment lines starting with ; or #. Unreadable lines are reported.
 */
export function parseSpeakerInfo(text: string): { speakers: SpeakerInput[]; skipped: SkippedRow[] } {
  const speakers: SpeakerInput[] = []
  const skipped: SkippedRow[] = []
  const seen = new Set<string>()
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return
    const tokens = line.split(/\s+/)
    if (/^id$/i.test(tokens[0]!)) return
    if (tokens.length < 3) {
      skipped.push({ line: i + 1, reason: `expected ID AGE GENDER ..., found "${line}"` })
      return
    }
    const code = normaliseSpeakerId(tokens[0]!)
    if (seen.has(code)) {
      skipped.push({ line: i + 1, reason: `speaker ${code} is listed twice` })
      return
    }
    const gender = tokens[2]!.toUpperCase()
    if (gender !== 'F' && gender !== 'M') {
      skipped.push({ line: i + 1, reason: `gender "${tokens[2]}" is not F or M` })
      return
    }
    seen.add(code)
    const age = /^\d+$/.test(tokens[1]!) ? Number(tokens[1]) : null
    const rest = tokens.slice(4).join(' ')
    const remark = /\(([^)]*)\)?\s*$/.exec(rest)
    const region = (remark ? rest.slice(0, remark.index) : rest).trim()
    speakers.push({
      code,
      age,
      gender,
      accent: tokens[3] ?? null,
      region: region === '' ? null : region,
      comment: remark ? remark[1]!.trim() : null
    })
  })
  return { speakers, skipped }
}

/** "225" and "p225" both name speaker p225; other forms (the 0.92 "s5") stay as written. */
export function normaliseSpeakerId(id: string): string {
  return /^\d+$/.test(id) ? `p${id}` : id.toLowerCase()
}
