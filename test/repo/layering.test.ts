import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The repository's own eslint.config.js enforces the layering shared <- agents <- hosts.
const root = resolve(import.meta.dirname, '..', '..');

async function lintAt(relativeDir: string, source: string): Promise<string[]> {
  // A real file in the folder (the type-aware parser needs it inside the project), removed after.
  const dir = mkdtempSync(join(root, relativeDir, 'layering-probe-'));
  const file = join(dir, 'probe.ts');
  try {
    writeFileSync(file, source);
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintFiles([file]);
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('import boundaries (lint)', () => {
  it('shared/ may not import agents/, a host, vscode or probot', async () => {
    const messages = await lintAt(
      'shared',
      [
        "import { scanSecurity } from '../../agents/review/security/index.js';",
        "import { run } from '../../cli/main.js';",
        "import * as vscode from 'vscode';",
        "import { Probot } from 'probot';",
        'export const x = [scanSecurity, run, vscode, Probot];',
        '',
      ].join('\n'),
    );
    expect(messages).toHaveLength(4);
    expect(messages[0]).toMatch(/shared\/ is the agent core/);
  });

  it('agents/ may import shared/ but not a host', async () => {
    const messages = await lintAt(
      'agents',
      ["import { InProcessEventBus } from '../../shared/bus/in-process-bus.js';", "import { run } from '../../cli/main.js';", 'export const x = [InProcessEventBus, run];', ''].join('\n'),
    );
    expect(messages).toEqual([expect.stringMatching(/agents\/ import only shared\//)]);
  });

  it('a host may import shared/ and agents/', async () => {
    const messages = await lintAt(
      'cli',
      ["import { InProcessEventBus } from '../../shared/bus/in-process-bus.js';", "import { scanSecurity } from '../../agents/review/security/index.js';", 'export const x = [InProcessEventBus, scanSecurity];', ''].join('\n'),
    );
    expect(messages).toEqual([]);
  });
});
