import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeLog } from '../../../../agents/error/logs/index.js';
import { parseStackTraces } from '../../../../agents/error/stack/index.js';

// vitest prints frames as `❯ fn file:line:col` (a reproduction of vitest 3's output, see the logs fixtures).
const vitestRun = readFileSync(join(import.meta.dirname, '..', 'logs', 'fixtures', 'vitest-run.txt'), 'utf8');

describe('vitest frames', () => {
  it('are read from vitest output as the log analyzer passes it on', async () => {
    const { groups } = await analyzeLog(vitestRun);
    const rate = groups.find((g) => g.first.message.includes("reading 'rate'"));
    const trace = parseStackTraces(rate!.first.stack!)[0]!;
    expect(trace.frames.slice(0, 2)).toEqual([
      { function: 'applyDiscount', file: 'src/cart.ts', line: 22, column: 38 },
      { file: 'src/cart.test.ts', line: 21, column: 12 },
    ]);
  });

  it('keep method names with spaces and mark runtime frames internal', () => {
    const trace = parseStackTraces('Error: connect ECONNREFUSED 127.0.0.1:6379\n ❯ TCPConnectWrap.afterConnect [as oncomplete] node:net:1555:16\n')[0]!;
    expect(trace.frames[0]).toMatchObject({ function: 'TCPConnectWrap.afterConnect [as oncomplete]', file: 'node:net', line: 1555, internal: true });
  });

  it('leave vitest summary lines alone', () => {
    expect(parseStackTraces('Error: boom\n ❯ src/cart.test.ts (4 tests | 3 failed) 14ms\n')[0]?.frames ?? []).toEqual([]);
  });
});
