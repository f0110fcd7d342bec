/** ID3v2 tags as MP3 and some FLAC files carry them in front of the stream. */
import { ascii, concat, text } from '../bytes'

/** End of the ID3v2 tags at the start of `b` (0 if none): 10-byte header + 28-bit syncsafe size (+ footer). */
export function id3End(b: Uint8Array): number {
  let at = 0
  while (text(b, at, 3) === 'ID3' && at + 10 <= b.length) {
    const size = ((b[at + 6]! & 0x7f) << 21) | ((b[at + 7]! & 0x7f) << 14) | ((b[at + 8]! & 0x7f) << 7) | (b[at + 9]! & 0x7f)
    at += 10 + size + ((b[at + 5]! & 0x10) !== 0 ? 10 : 0)
  }
  return at
}

/** A 28-bit value as four syncsafe bytes (7 bits each). */
export const syncsafe = (n: number): number[] => [(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]

/**
 * An ID3v2.3 tag with one TIT2 frame and `padding` zero bytes; `statedSize` (default: the truth)
 * is what its header claims.
 */
export function id3Tag(padding: number, statedSize?: number): Uint8Array {
  const title = ascii('\x00fuzz')
  const frame = concat(ascii('TIT2'), Uint8Array.of(0, 0, 0, title.length, 0, 0), title)
  const size = frame.length + padding
  return concat(ascii('ID3'), Uint8Array.of(3, 0, 0, ...syncsafe(statedSize ?? size)), frame, new Uint8Array(padding))
}
