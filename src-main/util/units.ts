/** Unit names for numbers whose meaning a bare `number` would hide (after Tone.js' Seconds/Hz). */
export type Seconds = number
export type Milliseconds = number
export type Hz = number
export type Samples = number
export type Decibels = number
/** A value in [0, 1]. */
export type NormalRange = number
