import { afterEach, describe, expect, it } from '@jest/globals';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogWatcherAgent } from '../../../agents/session/log-watcher-agent.js';
import { InProcessEventBus } from '../../../shared/bus/in-process-bus.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
}

describe('LogWatcherAgent', () => {
  it('reports only appended failure lines, starts over after truncation, and survives binary junk and a huge line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-log-'));
    dirs.push(dir);
    const file = join(dir, 'app.log');
    writeFileSync(file, 'ERROR before the watcher started\n');
    const bus = new InProcessEventBus();
    const seen: string[] = [];
    bus.subscribe('error.detected', (e) => void seen.push(`${e.payload.line}:${e.payload.message}`), { name: 't' });
    const agent = new LogWatcherAgent('log-watcher-1', file);
    agent.start({ bus });
    await until(() => seen.length === 1);
    appendFileSync(file, Buffer.concat([Buffer.from([0, 255, 254, 10]), Buffer.from(`${'x'.repeat(3_000_000)}\nFATAL out of memory\n`)]));
    await until(() => seen.length === 2);
    writeFileSync(file, 'panic: runtime error\n'); // truncated and rewritten
    await until(() => seen.length === 3);
    await agent.stop();
    bus.dispose();
    expect(seen).toEqual(['1:ERROR before the watcher started', '4:FATAL out of memory', '1:panic: runtime error']);
    expect(agent.failures.every((f) => f.message.length <= 500)).toBe(true);
  });

  it('waits for a missing file to appear', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-log-'));
    dirs.push(dir);
    const file = join(dir, 'later.log');
    const bus = new InProcessEventBus();
    const seen: string[] = [];
    bus.subscribe('error.detected', (e) => void seen.push(e.payload.message), { name: 't' });
    const agent = new LogWatcherAgent('w', file);
    agent.start({ bus });
    await new Promise((r) => setTimeout(r, 200));
    writeFileSync(file, 'Unhandled exception in worker\n');
    await until(() => seen.length === 1);
    await agent.stop();
    bus.dispose();
    expect(seen).toEqual(['Unhandled exception in worker']);
  });
});
