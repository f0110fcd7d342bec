import type { Hz } from '../../../util/units'

/** Rate the fit analyses at: voice processing lives below 10 kHz, and half the samples halve the search. */
export const FIT_RATE: Hz = 22_050
/** Rate match renders come out at (the chain's parameters are physical units, so it applies at any rate). */
export const MATCH_RATE: Hz = 44_100
