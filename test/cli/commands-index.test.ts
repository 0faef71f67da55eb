import { describe, expect, it } from '@jest/globals';
import { commands } from '../../cli/commands/index.js';

describe('the command list', () => {
  it('names and summarises each command as its own module does (the list loads modules lazily)', async () => {
    for (const entry of commands) {
      const command = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({ name: entry.name, summary: entry.summary });
      expect(command.usage).toMatch(/^Usage: orchestra /);
    }
    expect(new Set(commands.map((c) => c.name)).size).toBe(commands.length);
  });
});
