import { flacMutations } from './flac'
import { genericMutations } from './generic'
import { mpegMutations } from './mpeg'
import { oggMutations } from './ogg'
import type { AudioKind, Mutation } from './types'
import { wavMutations } from './wav'

/** The seed as it is: every valid seed must decode, and agree with the reference decoder. */
export const unchanged: Mutation<AudioKind> = {
  name: 'none',
  kinds: ['wav', 'flac', 'mp3', 'ogg'],
  apply: (b) => ({ bytes: b.slice(), note: 'the seed unchanged', valid: true })
}

/** Every audio mutation, by name; the campaign picks uniformly among those that fit a seed's kind. */
export const audioMutations: Mutation<AudioKind>[] = [unchanged, ...genericMutations, ...wavMutations, ...flacMutations, ...mpegMutations, ...oggMutations]
