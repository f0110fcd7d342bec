/** Big-endian bit packing, as FLAC lays out its headers and samples. */
export class BitWriter {
  private readonly bytes: number[] = []
  private acc = 0
  private nbits = 0

  /** Appends the low `n` bits of `value` (two's complement for negatives), most significant first. */
  write(value: number, n: number): void {
    for (let i = n - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | (Math.floor(value / 2 ** i) & 1)
      if (++this.nbits === 8) {
        this.bytes.push(this.acc & 0xff)
        this.acc = 0
        this.nbits = 0
      }
    }
  }

  /** Pads with zero bits to a whole byte. */
  align(): void {
    while (this.nbits !== 0) this.write(0, 1)
  }

  /** The bytes so far (call align first). */
  get result(): Uint8Array {
    return Uint8Array.from(this.bytes)
  }
}
