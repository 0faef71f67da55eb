import { describe, expect, it } from '@jest/globals';
import { createServer, connect, type Server } from 'node:net';
import { trackResources } from './resource-tracker.js';

describe('trackResources', () => {
  it('reports a timer the tracked code left running, and nothing once it is cleared', async () => {
    const tracker = trackResources();
    await Promise.resolve();
    const timer = setTimeout(() => {}, 60_000);
    const leaks = await tracker.stop();
    clearTimeout(timer);
    expect(leaks.some((leak) => leak.startsWith('Timeout'))).toBe(true);

    const clean = trackResources();
    clearTimeout(setTimeout(() => {}, 60_000));
    expect(await clean.stop()).toEqual([]);
  });

  it('leaves out timers fired by a connection opened before tracking began', async () => {
    const server: Server = createServer((socket) => socket.on('data', () => socket.write('pong')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const older = connect(port, '127.0.0.1');
    const timers: NodeJS.Timeout[] = [];
    older.on('data', () => timers.push(setTimeout(() => {}, 60_000)));
    await new Promise((resolve) => older.once('connect', resolve));

    const tracker = trackResources();
    older.write('ping');
    await new Promise((resolve) => older.once('data', resolve));
    const leaks = await tracker.stop();
    for (const timer of timers) clearTimeout(timer);
    older.destroy();
    await new Promise((resolve) => server.close(resolve));
    expect(timers.length).toBe(1);
    expect(leaks).toEqual([]);
  });
});
