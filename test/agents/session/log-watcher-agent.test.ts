import { afterEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogWatcherAgent } from '../../../agents/session/log-watcher-agent.js';
import { InProcessEventBus } from '../../../shared/bus/in-process-bus.js';
import { ErrorSwarm } from '../../../agents/error/error-swarm.js';

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
    // The analyzer keeps the message without its level prefix.
    expect(seen).toEqual(['1:before the watcher started', '4:out of memory', '1:panic: runtime error']);
    expect(agent.failures.every((f) => f.message.length <= 2000 && f.fingerprint.length > 0)).toBe(true);
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
    writeFileSync(file, '2026-12-06 10:00:01 ERROR Unhandled exception in worker\n');
    await until(() => seen.length === 1);
    await agent.stop();
    bus.dispose();
    expect(seen).toEqual(['Unhandled exception in worker']);
  });

  it('passes a real crash on with its stack, and the error swarm traces it to the project file and line', async () => {
    const root = mkdtempSync(join(tmpdir(), 'orchestra-log-project-'));
    const logs = mkdtempSync(join(tmpdir(), 'orchestra-log-outside-'));
    dirs.push(root, logs);
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'worker.js'), "'use strict';\nfunction handle(job) {\n  return job.payload.id;\n}\nhandle({});\n");
    const crash = spawnSync(process.execPath, [join(root, 'src', 'worker.js')], { encoding: 'utf8' });
    expect(crash.status).not.toBe(0);
    const file = join(logs, 'worker.log');
    writeFileSync(file, 'worker started\n');
    const bus = new InProcessEventBus();
    const swarm = await ErrorSwarm.create({ root, bus });
    swarm.listen();
    const triaged: { file?: string; line?: number; message: string }[] = [];
    bus.subscribe('error.triaged', (e) => void triaged.push(e.payload), { name: 't' });
    const agent = new LogWatcherAgent('w', file);
    agent.start({ bus });
    appendFileSync(file, crash.stderr);
    await until(() => triaged.length === 1);
    await agent.stop();
    await swarm.close();
    bus.dispose();
    expect(agent.failures[0]!.stack).toContain('worker.js:3');
    expect(triaged).toEqual([expect.objectContaining({ file: 'src/worker.js', line: 3, message: expect.stringContaining("Cannot read properties of undefined (reading 'id')") })]);
  });
});
