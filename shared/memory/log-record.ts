/**
 * The records of the memory store's append-only log and their on-disk framing.
 *
 * File:   MAGIC (8 bytes: "ORCHMEM" + format version) then frames, back to back.
 * Frame:  u32le payload length | u32le CRC-32 of (length bytes + payload) | payload.
 * Payload: a fixed binary part (op, seq, writtenAt, expiresAt, byte lengths of namespace and key), then
 * namespace, key and, for a put, the value's JSON text, all UTF-8. Opening a store decodes no JSON at
 * all: the index keeps the value's text as read and parses it only when it is read.
 */
import { crc32 } from './crc32.js';

/** The first bytes of every log file; the last byte is the format version. */
export const LOG_MAGIC = Buffer.from('ORCHMEM\u0001', 'latin1');

/** Bytes of a frame's header (length + CRC). */
export const FRAME_HEADER_BYTES = 8;

/** A put: `key` in `namespace` now holds `valueJson`. */
export interface PutRecord {
  op: 'put';
  namespace: string;
  key: string;
  /** Store-wide write sequence: orders writes for least-recently-written eviction. */
  seq: number;
  /** Clock time of the write (ms since epoch). */
  writtenAt: number;
  /** Clock time after which the entry is gone, or null for never. */
  expiresAt: number | null;
  /** The value as JSON text (already validated). */
  valueJson: string;
}

/** A delete: `key` in `namespace` no longer exists. */
export interface DeleteRecord {
  op: 'del';
  namespace: string;
  key: string;
  seq: number;
  writtenAt: number;
}

/** One record of the log. */
export type LogRecord = PutRecord | DeleteRecord;

/** Fixed part of a payload: op u8 | seq f64 | writtenAt f64 | expiresAt f64 (NaN = never) | ns bytes u16 | key bytes u16. */
const META_BYTES = 1 + 8 * 3 + 2 + 2;
const OP_PUT = 1;
const OP_DEL = 2;

/** Encodes a record as one frame, ready to append. */
export function encodeRecord(record: LogRecord): Buffer {
  const nsBytes = Buffer.byteLength(record.namespace, 'utf8');
  const keyBytes = Buffer.byteLength(record.key, 'utf8');
  const valueBytes = record.op === 'put' ? Buffer.byteLength(record.valueJson, 'utf8') : 0;
  const payloadBytes = META_BYTES + nsBytes + keyBytes + valueBytes;
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadBytes);
  frame.writeUInt32LE(payloadBytes, 0);
  let at = FRAME_HEADER_BYTES;
  at = frame.writeUInt8(record.op === 'put' ? OP_PUT : OP_DEL, at);
  at = frame.writeDoubleLE(record.seq, at);
  at = frame.writeDoubleLE(record.writtenAt, at);
  at = frame.writeDoubleLE(record.op === 'put' && record.expiresAt !== null ? record.expiresAt : Number.NaN, at);
  at = frame.writeUInt16LE(nsBytes, at);
  at = frame.writeUInt16LE(keyBytes, at);
  at += frame.write(record.namespace, at, 'utf8');
  at += frame.write(record.key, at, 'utf8');
  if (record.op === 'put') frame.write(record.valueJson, at, 'utf8');
  frame.writeUInt32LE(frameChecksum(frame, payloadBytes), 4);
  return frame;
}

/** CRC over the length field and the payload, so a damaged length is caught as surely as damaged data. */
export function frameChecksum(frame: Uint8Array, payloadBytes: number): number {
  const partial = crc32(frame.subarray(0, 4));
  return crc32(frame.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + payloadBytes), partial);
}

/**
 * Decodes a payload whose checksum already matched. Returns undefined when the payload is not a
 * record this version wrote (then the frame counts as corrupt).
 */
export function decodeRecord(payload: Buffer): LogRecord | undefined {
  if (payload.length < META_BYTES) return undefined;
  const op = payload.readUInt8(0);
  const seq = payload.readDoubleLE(1);
  const writtenAt = payload.readDoubleLE(9);
  const expires = payload.readDoubleLE(17);
  const nsEnd = META_BYTES + payload.readUInt16LE(25);
  const keyEnd = nsEnd + payload.readUInt16LE(27);
  if (keyEnd > payload.length || !Number.isSafeInteger(seq) || !Number.isSafeInteger(writtenAt)) return undefined;
  const namespace = payload.toString('utf8', META_BYTES, nsEnd);
  const key = payload.toString('utf8', nsEnd, keyEnd);
  if (op === OP_DEL && keyEnd === payload.length && Number.isNaN(expires)) return { op: 'del', namespace, key, seq, writtenAt };
  if (op === OP_PUT && keyEnd < payload.length && (Number.isNaN(expires) || Number.isSafeInteger(expires))) {
    const expiresAt = Number.isNaN(expires) ? null : expires;
    return { op: 'put', namespace, key, seq, writtenAt, expiresAt, valueJson: payload.toString('utf8', keyEnd) };
  }
  return undefined;
}
