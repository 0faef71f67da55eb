/** Log records: whatever the store may write decodes back to the same record. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { FRAME_HEADER_BYTES, decodeRecord, encodeRecord, frameChecksum, type LogRecord } from '../../../shared/memory/log-record.js';

const name = (max: number): fc.Arbitrary<string> => fc.string({ minLength: 1, maxLength: max, unit: 'binary' });
const time = fc.nat({ max: Number.MAX_SAFE_INTEGER });

const record: fc.Arbitrary<LogRecord> = fc.oneof(
  fc.record({
    op: fc.constant('put' as const),
    namespace: name(128),
    key: name(1024),
    seq: time,
    writtenAt: time,
    expiresAt: fc.option(time, { nil: null }),
    valueJson: fc.jsonValue().map((v) => JSON.stringify(v)),
  }),
  fc.record({ op: fc.constant('del' as const), namespace: name(128), key: name(1024), seq: time, writtenAt: time }),
);

describe('log records', () => {
  it('decode to exactly what was encoded, with a matching checksum', () => {
    fc.assert(
      fc.property(record, (r) => {
        const frame = encodeRecord(r);
        const length = frame.readUInt32LE(0);
        expect(frame.length).toBe(FRAME_HEADER_BYTES + length);
        expect(frameChecksum(frame, length)).toBe(frame.readUInt32LE(4));
        expect(decodeRecord(frame.subarray(FRAME_HEADER_BYTES))).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects payloads this version did not write', () => {
    expect(decodeRecord(Buffer.from('short'))).toBeUndefined();
    const frame = encodeRecord({ op: 'del', namespace: 'n', key: 'k', seq: 1, writtenAt: 2 });
    const payload = Buffer.from(frame.subarray(FRAME_HEADER_BYTES));
    payload[0] = 7;
    expect(decodeRecord(payload)).toBeUndefined();
  });
});
