/**
 * h5py's boolean datasets (MintPy's `dropIfgram`, masks) are HDF5 enums of int8 with members
 * FALSE = 0 and TRUE = 1. h5wasm cannot create enum types, so a bool dataset is first created
 * as a one-member compound of int8 (same 1-byte raw data) whose long member name marks it, and
 * after the file is closed its datatype message is rewritten in place as the enum. The enum
 * message is shorter than the compound one; the rest of the message is zeroed. Object headers
 * of version 2 carry a checksum (Jenkins lookup3), which is verified before and recomputed
 * after the change, so a mis-located message is refused rather than corrupting the file.
 * @module
 */

/** Member name of the placeholder compound (unique, long enough to leave room for the enum). */
export function boolPlaceholderMember(index: number): string {
  return `vinsar-bool-enum-placeholder-${String(index).padStart(4, "0")}`;
}

/** Datatype message body of h5py's bool: enum v1 over int8 with FALSE=0, TRUE=1 (38 bytes). */
// deno-fmt-ignore
const ENUM_BOOL = new Uint8Array([
  0x18, 0x02, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, // enum v1, 2 members, size 1
  0x10, 0x08, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, // base: signed int8
  0x46, 0x41, 0x4c, 0x53, 0x45, 0x00, 0x00, 0x00, // "FALSE" padded to 8
  0x54, 0x52, 0x55, 0x45, 0x00, 0x00, 0x00, 0x00, // "TRUE" padded to 8
  0x00, 0x01, // values
]);

/** Bob Jenkins' lookup3 `hashlittle` over bytes, as HDF5's `H5_checksum_lookup3`. */
export function lookup3(k: Uint8Array, initval = 0): number {
  let length = k.length;
  let a = (0xdeadbeef + length + initval) | 0, b = a, c = a;
  const rot = (x: number, s: number) => (x << s) | (x >>> (32 - s));
  let o = 0;
  while (length > 12) {
    a = (a + (k[o]! | (k[o + 1]! << 8) | (k[o + 2]! << 16) | (k[o + 3]! << 24))) | 0;
    b = (b + (k[o + 4]! | (k[o + 5]! << 8) | (k[o + 6]! << 16) | (k[o + 7]! << 24))) | 0;
    c = (c + (k[o + 8]! | (k[o + 9]! << 8) | (k[o + 10]! << 16) | (k[o + 11]! << 24))) | 0;
    a = (a - c) | 0, a ^= rot(c, 4), c = (c + b) | 0;
    b = (b - a) | 0, b ^= rot(a, 6), a = (a + c) | 0;
    c = (c - b) | 0, c ^= rot(b, 8), b = (b + a) | 0;
    a = (a - c) | 0, a ^= rot(c, 16), c = (c + b) | 0;
    b = (b - a) | 0, b ^= rot(a, 19), a = (a + c) | 0;
    c = (c - b) | 0, c ^= rot(b, 4), b = (b + a) | 0;
    length -= 12;
    o += 12;
  }
  if (length === 0) return c >>> 0;
  // The tail: bytes beyond `length` count as zero.
  const t = new Uint8Array(12);
  t.set(k.subarray(o, o + length));
  a = (a + (t[0]! | (t[1]! << 8) | (t[2]! << 16) | (t[3]! << 24))) | 0;
  b = (b + (t[4]! | (t[5]! << 8) | (t[6]! << 16) | (t[7]! << 24))) | 0;
  c = (c + (t[8]! | (t[9]! << 8) | (t[10]! << 16) | (t[11]! << 24))) | 0;
  c ^= b, c = (c - rot(b, 14)) | 0;
  a ^= c, a = (a - rot(c, 11)) | 0;
  b ^= a, b = (b - rot(a, 25)) | 0;
  c ^= b, c = (c - rot(b, 16)) | 0;
  a ^= c, a = (a - rot(c, 4)) | 0;
  b ^= a, b = (b - rot(a, 14)) | 0;
  c ^= b, c = (c - rot(b, 24)) | 0;
  return c >>> 0;
}

const u32 = (b: Uint8Array, o: number) =>
  (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);

/**
 * The version-2 object header chunk ("OHDR") holding byte `pos`: [start, checksum offset),
 * or null when none with a valid checksum encloses it.
 */
function enclosingChunk(buf: Uint8Array, pos: number): [number, number] | null {
  for (let s = pos - 4; s >= 0 && pos - s < 1 << 16; s--) {
    if (buf[s] !== 0x4f || buf[s + 1] !== 0x48 || buf[s + 2] !== 0x44 || buf[s + 3] !== 0x52) {
      continue;
    }
    const flags = buf[s + 5]!;
    let o = s + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const sizeBytes = 1 << (flags & 3);
    let size = 0;
    for (let i = sizeBytes - 1; i >= 0; i--) size = size * 256 + buf[o + i]!;
    o += sizeBytes;
    const end = o + size;
    if (buf[s + 4] !== 2 || pos >= end || end + 4 > buf.length) continue;
    if (lookup3(buf.subarray(s, end)) === u32(buf, end)) return [s, end];
  }
  return null;
}

/** Rewrite the placeholder datatype whose member name starts at `at` in `buf`; false if not. */
function patchAt(buf: Uint8Array, at: number, nameLen: number): boolean {
  const body = at - 8;
  if (body < 8) return false;
  // Compound class (6) of version 1 or 3 with one member.
  const cls = buf[body]!;
  if ((cls & 0x0f) !== 6 || buf[body + 1] !== 1 || buf[body + 4] !== 1) return false;
  // v2 object header: type (1), size (2), flags (1) [+ creation order (2)].
  for (const hdr of [4, 6]) {
    const h = body - hdr;
    if (buf[h] !== 0x03) continue;
    const size = u16(buf, h + 1);
    if (size < ENUM_BOOL.length || size < 8 + nameLen + 1 || body + size > buf.length) continue;
    if (hdr === 6 && !(buf[h + 3]! & 0x04)) continue;
    const chunk = enclosingChunk(buf, h);
    if (!chunk) continue;
    buf.fill(0, body, body + size);
    buf.set(ENUM_BOOL, body);
    const sum = lookup3(buf.subarray(chunk[0], chunk[1]));
    new DataView(buf.buffer, buf.byteOffset).setUint32(chunk[1], sum, true);
    return true;
  }
  // v1 object header (no checksum): type (2), size (2), flags (1), reserved (3).
  const h1 = body - 8;
  if (u16(buf, h1) === 0x0003) {
    const size = u16(buf, h1 + 2);
    if (size >= ENUM_BOOL.length && body + size <= buf.length) {
      buf.fill(0, body, body + size);
      buf.set(ENUM_BOOL, body);
      return true;
    }
  }
  return false;
}

/**
 * Turn the placeholder compounds named by `members` in the closed HDF5 file `path` into
 * h5py's bool enum. Reads the file in pieces and stops once every placeholder is patched
 * (they sit in object headers, usually near the start).
 * @returns the members that could not be patched (empty on success).
 */
export function patchBoolPlaceholders(path: string, members: readonly string[]): string[] {
  const left = new Set(members);
  if (left.size === 0) return [];
  const file = Deno.openSync(path, { read: true, write: true });
  try {
    const piece = 4 << 20, overlap = 1 << 16;
    const size = file.statSync().size;
    const enc = new TextEncoder();
    for (let start = 0; start < size && left.size > 0; start += piece) {
      const from = Math.max(0, start - overlap);
      const len = Math.min(size, start + piece + 128) - from;
      const buf = new Uint8Array(len);
      file.seekSync(from, Deno.SeekMode.Start);
      let got = 0;
      while (got < len) {
        const n = file.readSync(buf.subarray(got));
        if (n === null || n === 0) break;
        got += n;
      }
      let changed = false;
      for (const m of [...left]) {
        // Every copy is patched: a header HDF5 moved may leave its old copy behind.
        const needle = enc.encode(m + "\0");
        for (let at = indexOf(buf, needle, 0); at >= 0; at = indexOf(buf, needle, at + 1)) {
          if (patchAt(buf, at, m.length)) {
            left.delete(m);
            changed = true;
          }
        }
      }
      if (changed) {
        file.seekSync(from, Deno.SeekMode.Start);
        let put = 0;
        while (put < got) put += file.writeSync(buf.subarray(put, got));
      }
    }
  } finally {
    file.close();
  }
  return [...left];
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  outer: for (let i = hay.indexOf(first, from); i >= 0 && i <= hay.length - needle.length;) {
    for (let j = 1; j < needle.length; j++) {
      if (hay[i + j] !== needle[j]) {
        i = hay.indexOf(first, i + 1);
        continue outer;
      }
    }
    return i;
  }
  return -1;
}
