/** Level meter maths: decibels to a bar fraction, and the colour zone of a level. */

// -60 dBFS is where a meter bar reads empty: quieter is inaudible under any real playback noise.
export const METER_FLOOR_DB = -60

/** Fraction of the meter bar lit for a level in dBFS (0 at the floor or below, 1 at 0 dBFS and above). */
export function meterFraction(db: number, floorDb = METER_FLOOR_DB): number {
  if (!Number.isFinite(db) || db <= floorDb) return 0
  return Math.min(1, (db - floorDb) / -floorDb)
}

/** Colour zone of a level: green below -12 dBFS, amber up to -3, red near clipping (the usual DAW bands). */
export function meterZone(db: number): 'ok' | 'hot' | 'clip' {
  return db >= -3 ? 'clip' : db >= -12 ? 'hot' : 'ok'
}

/** Linear amplitude to dBFS (-Infinity for silence). */
export function toDb(amplitude: number): number {
  return amplitude > 0 ? 20 * Math.log10(amplitude) : -Infinity
}
