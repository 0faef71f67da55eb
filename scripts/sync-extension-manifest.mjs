#!/usr/bin/env node
// Writes the generated parts of extension/package.json: `contributes.configuration` (every key of the
// core's config schema as an `orchestra.*` setting, plus the editor's own settings) and
// `capabilities.untrustedWorkspaces.restrictedConfigurations`, from extension/src/settings-contribution.ts.
// build-extension.mjs runs it before packaging, so a built .vsix always matches the schema;
// test/extension/settings-contribution.test.ts fails while the committed manifest is stale.
// `node scripts/sync-extension-manifest.mjs --check` only reports (exit 1 when stale).
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const defaultRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Loads settings-contribution.ts (TypeScript, with its imports from shared/) by bundling it to a temporary ESM file. */
async function loadGenerator(root) {
  const dir = mkdtempSync(join(tmpdir(), 'orchestra-settings-'));
  try {
    const file = join(dir, 'settings-contribution.mjs');
    await build({ entryPoints: [join(root, 'extension/src/settings-contribution.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: file, logLevel: 'warning' });
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Regenerates the manifest's settings. Returns `{ file, upToDate, written }`; with `check` it never writes.
 * @param {{ root?: string, check?: boolean }} [options]
 */
export async function syncExtensionManifest(options = {}) {
  const root = options.root ?? defaultRoot;
  const file = join(root, 'extension', 'package.json');
  const current = readFileSync(file, 'utf8');
  const { applySettingsToManifest, manifestText } = await loadGenerator(root);
  const text = manifestText(applySettingsToManifest(JSON.parse(current)));
  const upToDate = text === current;
  if (upToDate || options.check) return { file, upToDate, written: false };
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
  return { file, upToDate, written: true };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const result = await syncExtensionManifest({ check });
  if (check && !result.upToDate) {
    console.error(`${result.file} is stale: run node scripts/sync-extension-manifest.mjs`);
    process.exit(1);
  }
  console.log(result.written ? `updated the settings in ${result.file}` : `${result.file} is up to date`);
}
