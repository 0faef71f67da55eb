/** CRC-32 used to frame log records: the native and portable versions agree with the standard. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { crc32, crc32Portable } from '../../../shared/memory/crc32.js';

describe('crc32', () => {
  it('matches the standard check value', () => {
    const check = Buffer.from('123456789');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Portable(check)).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });

  it('gives the same result natively and portably, in one piece or continued', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, cut) => {
        const at = Math.min(cut, bytes.length);
        const whole = crc32(bytes);
        expect(crc32Portable(bytes)).toBe(whole);
        expect(crc32(bytes.subarray(at), crc32(bytes.subarray(0, at)))).toBe(whole);
        expect(crc32Portable(bytes.subarray(at), crc32Portable(bytes.subarray(0, at)))).toBe(whole);
      }),
    );
  });
});
