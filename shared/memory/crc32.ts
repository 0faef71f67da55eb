/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial) for framing log records. Uses `zlib.crc32` where the
 * runtime has it (Node >= 20.15 / 22.2) and a table-driven fallback elsewhere, e.g. an older Electron
 * inside a VS Code host, so the memory store never needs a native addon.
 */
import * as zlib from 'node:zlib';

type Crc32Fn = (data: Uint8Array, value?: number) => number;

let table: Uint32Array | undefined;

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** Portable CRC-32, exported for tests that prove it agrees with zlib's. */
export function crc32Portable(data: Uint8Array, value = 0): number {
  table ??= makeTable();
  let crc = ~value >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

const native = (zlib as { crc32?: Crc32Fn }).crc32;

/** CRC-32 of `data`, continuing from a previous CRC `value` (0 to start). Unsigned 32-bit result. */
export const crc32: Crc32Fn = typeof native === 'function' ? (data, value = 0) => native(data, value) >>> 0 : crc32Portable;
