/**
 * Packages an extension folder into a `.vsix` with the harness's own `@vscode/vsce`, offline and
 * without prompts (no dependency detection, no repository or license required).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { HARNESS_DIR } from './code-server.js';

const VSCE = join(HARNESS_DIR, 'node_modules', '@vscode', 'vsce', 'vsce');

/**
 * Runs `vsce package` in `extensionDir`, writing `outFile`, and returns the absolute path of the .vsix.
 * @throws Error when vsce is not installed (run scripts/ensure-editor.sh) or packaging fails (with vsce's output).
 */
export async function packageExtension(extensionDir: string, outFile: string): Promise<string> {
  if (!existsSync(VSCE)) throw new Error(`@vscode/vsce is not installed in test/editor (${VSCE} is missing): run scripts/ensure-editor.sh`);
  const out = resolve(outFile);
  const args = [VSCE, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-update-package-json', '--out', out];
  try {
    await promisify(execFile)(process.execPath, args, { cwd: resolve(extensionDir), timeout: 120_000, env: { ...process.env, NODE_OPTIONS: undefined } });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`vsce package failed in ${extensionDir}: ${`${stdout}${stderr}`.trim() || (error as Error).message}`, { cause: error });
  }
  return out;
}
