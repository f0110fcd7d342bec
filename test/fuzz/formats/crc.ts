/*
 * The three checksums the fuzzer must recompute so a lying field gets past a format's integrity
 * check and reaches the decoder's logic: FLAC's frame-header CRC-8 (poly 0x07) and frame CRC-16
 * (poly 0x8005), and Ogg's page CRC-32 (poly 0x04c11db7, unreflected, initial value 0).
 */

function table(bits: 8 | 16 | 32, poly: number): Uint32Array {
  const top = 2 ** (bits - 1)
  const size = 2 ** bits
  return Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n * 2 ** (bits - 8)
    // Plain arithmetic, not 32-bit bitwise operators, so a 32-bit register never turns negative.
    for (let k = 0; k < 8; k++) c = c >= top ? xor((c * 2) % size, poly) : (c * 2) % size
    return c
  })
}

/** Unsigned XOR of two values below 2^32. */
const xor = (a: number, b: number): number => (a ^ b) >>> 0

const CRC8 = table(8, 0x07)
const CRC16 = table(16, 0x8005)
const CRC32 = table(32, 0x04c11db7)

/** FLAC frame-header CRC-8 of `b`. */
export function crc8(b: Uint8Array): number {
  let c = 0
  for (const x of b) c = CRC8[c ^ x]!
  return c
}

/** FLAC frame CRC-16 of `b`. */
export function crc16(b: Uint8Array): number {
  let c = 0
  for (const x of b) c = ((c << 8) ^ CRC16[(c >> 8) ^ x]!) & 0xffff
  return c
}

/** Ogg page CRC-32 of `b` (the page with its CRC field zeroed). */
export function crc32Ogg(b: Uint8Array): number {
  let c = 0
  for (const x of b) c = ((c << 8) ^ CRC32[((c >>> 24) ^ x) & 0xff]!) >>> 0
  return c >>> 0
}
