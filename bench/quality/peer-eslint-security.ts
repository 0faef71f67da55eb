/**
 * The quality bench's peer: eslint-plugin-security's recommended config, run through ESLint on the
 * same files and scored the same way (a message within ±3 lines of a labelled spot), generously: any
 * of its rules counts for any class, and every message counts (its rules are all warnings).
 */
import { ESLint, type Linter } from 'eslint';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CorpusCase, LabelledSpot } from './corpus.js';
import { LINE_TOLERANCE, sourceFiles } from './evaluate-corpus.js';

// The plugin ships no type declarations: load it with require and name the one shape used.
const security = createRequire(import.meta.url)('eslint-plugin-security') as { configs: { recommended: Linter.Config } };

let eslint: ESLint | undefined;

function peer(): ESLint {
  eslint ??= new ESLint({
    overrideConfigFile: true,
    overrideConfig: [security.configs.recommended, { languageOptions: { ecmaVersion: 'latest', sourceType: 'commonjs' } }],
  });
  return eslint;
}

async function lines(file: string, text: string): Promise<number[]> {
  const [result] = await peer().lintText(text, { filePath: file.endsWith('.js') || file.endsWith('.cjs') || file.endsWith('.mjs') ? file : `${file}.js` });
  return (result?.messages ?? []).filter((m) => m.ruleId?.startsWith('security/')).map((m) => m.line);
}

/** True when the peer flags the spot. Python spots are never flagged (ESLint reads JavaScript only). */
export async function peerFlags(spot: LabelledSpot, packageDir: string): Promise<boolean> {
  if (spot.file.endsWith('.py')) return false;
  const file = join(packageDir, spot.file);
  const near = await lines(file, readFileSync(file, 'utf8'));
  return near.some((line) => Math.abs(line - spot.line) <= LINE_TOLERANCE);
}

/** Peer findings and lines over folders (JavaScript files only, as the peer reads). */
export async function peerDensity(dirs: readonly string[]): Promise<{ lines: number; findings: number }> {
  let total = 0;
  let findings = 0;
  for (const dir of dirs) {
    for (const file of sourceFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      total += text.split('\n').length;
      if (!/\.(c|m)?js$/.test(file)) continue;
      findings += (await lines(file, text)).length;
    }
  }
  return { lines: total, findings };
}

/** Re-exported for the bench's per-case loop. */
export type { CorpusCase };
