/**
 * Binary wire format for the web host (HTTP bodies): a JSON header plus raw binary parts, so audio
 * and peaks cross as bytes, not as JSON number lists. Hand-written because it is ~60 lines and
 * must run unchanged in Node and in the browser (no Buffer, no library fits both without shims).
 *
 * Layout: "EBW1" | u32 LE header length | header JSON (UTF-8) | zero padding to 8 | parts, each 8-aligned.
 * In the header every ArrayBuffer / Float32Array / Uint8Array is replaced by {"$bin": i, "t": type}.
 */
const MAGIC = 0x31574245 // "EBW1" little-endian
const ALIGN = 8 // Float64 alignment covers every typed array we send

type BinType = 'ArrayBuffer' | 'Float32Array' | 'Uint8Array'
interface BinRef {
  $bin: number
  t: BinType
}
interface Header {
  v: unknown
  parts: Array<[offset: number, length: number]>
}

const pad = (n: number): number => Math.ceil(n / ALIGN) * ALIGN

/** Encodes any JSON-like value that may contain ArrayBuffers, Float32Arrays and Uint8Arrays. */
export function encodeWire(value: unknown): Uint8Array {
  const blobs: Uint8Array[] = []
  const replace = (_key: string, v: unknown): unknown => {
    let bytes: Uint8Array | undefined
    let t: BinType | undefined
    if (v instanceof ArrayBuffer) [bytes, t] = [new Uint8Array(v), 'ArrayBuffer']
    else if (v instanceof Float32Array) [bytes, t] = [new Uint8Array(v.buffer, v.byteOffset, v.byteLength), 'Float32Array']
    else if (v instanceof Uint8Array) [bytes, t] = [v, 'Uint8Array']
    if (!bytes || !t) return v
    blobs.push(bytes)
    return { $bin: blobs.length - 1, t } satisfies BinRef
  }
  const v = JSON.parse(JSON.stringify(value === undefined ? null : value, replace)) as unknown
  const parts: Header['parts'] = []
  let offset = 0
  for (const b of blobs) {
    parts.push([offset, b.byteLength])
    offset += pad(b.byteLength)
  }
  const header = new TextEncoder().encode(JSON.stringify({ v, parts } satisfies Header))
  const start = pad(8 + header.byteLength)
  const out = new Uint8Array(start + offset)
  const view = new DataView(out.buffer)
  view.setUint32(0, MAGIC, true)
  view.setUint32(4, header.byteLength, true)
  out.set(header, 8)
  blobs.forEach((b, i) => out.set(b, start + parts[i]![0]))
  return out
}

/** Decodes bytes made by encodeWire; throws a one-line Error on anything malformed. */
export function decodeWire(input: Uint8Array): unknown {
  // A plain Uint8Array view: Node's Buffer#slice shares memory instead of copying, which must not leak.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
  if (bytes.byteLength < 8) throw new Error('wire: message too short')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint32(0, true) !== MAGIC) throw new Error('wire: not an Electric Beats message')
  const headerLength = view.getUint32(4, true)
  if (8 + headerLength > bytes.byteLength) throw new Error('wire: header longer than message')
  let header: Header
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Header
  } catch {
    throw new Error('wire: header is not JSON')
  }
  if (!header || !Array.isArray(header.parts)) throw new Error('wire: header has no parts list')
  const start = pad(8 + headerLength)
  const revive = (_key: string, v: unknown): unknown => {
    if (!isBinRef(v)) return v
    const part = header.parts[v.$bin]
    if (!part || start + part[0] + part[1] > bytes.byteLength) throw new Error(`wire: part ${v.$bin} out of range`)
    // slice() copies into a fresh, aligned ArrayBuffer that the receiver owns.
    const copy = bytes.slice(start + part[0], start + part[0] + part[1])
    if (v.t === 'Float32Array') {
      if (part[1] % 4 !== 0) throw new Error(`wire: part ${v.$bin} is not a whole number of floats`)
      return new Float32Array(copy.buffer)
    }
    return v.t === 'Uint8Array' ? copy : copy.buffer
  }
  return JSON.parse(JSON.stringify(header.v), revive) as unknown
}

function isBinRef(v: unknown): v is BinRef {
  if (typeof v !== 'object' || v === null) return false
  const r = v as Partial<BinRef>
  return typeof r.$bin === 'number' && (r.t === 'ArrayBuffer' || r.t === 'Float32Array' || r.t === 'Uint8Array')
}
