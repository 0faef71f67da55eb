#!/usr/bin/env node
// Bundles the VS Code extension with esbuild: extension/dist/extension.cjs (the extension host side),
// extension/dist/review-worker.cjs (the review swarm's worker threads), extension/dist/webview/*.js
// (the dashboard and chat panel, for the browser), plus what the bundle loads at run time from files:
// the tree-sitter .wasm files, TypeScript's compiler (loaded lazily by the syntax agent) and piscina
// (which starts its own worker script). `--vsix` also packages extension/ to dist/orchestra.vsix.
// First it regenerates the settings in extension/package.json from the core's config schema
// (sync-extension-manifest.mjs), so whatever is packaged from extension/ matches the schema.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syncExtensionManifest } from './sync-extension-manifest.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'extension', 'dist');
const require = createRequire(join(root, 'package.json'));
const production = process.argv.includes('--production') || process.argv.includes('--vsix');

const manifest = await syncExtensionManifest({ root });
if (manifest.written) console.log(`build-extension: regenerated the settings in ${manifest.file} from the config schema`);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// import.meta.url in ESM sources becomes the bundle file's URL.
const shim = join(out, '.import-meta-url.js');
writeFileSync(shim, "export const importMetaUrl = require('url').pathToFileURL(__filename).href;\n");

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  define: { 'import.meta.url': 'importMetaUrl' },
  inject: [shim],
  // vscode is the host's; jiti only loads TypeScript ESLint configs (not supported in the bundle);
  // typescript and piscina are shipped as files beside the bundle (see below).
  external: ['vscode', 'jiti', 'jiti/package.json', 'typescript', 'piscina'],
  outExtension: { '.js': '.cjs' },
};

await build({ ...node, entryPoints: { extension: join(root, 'extension/src/extension.ts') }, outdir: out });
await build({ ...node, entryPoints: { 'review-worker': join(root, 'agents/review/swarm/review-worker.ts') }, outdir: out });
await build({
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  entryPoints: { dashboard: join(root, 'extension/src/webview/dashboard.ts'), chat: join(root, 'extension/src/webview/chat.ts') },
  outdir: join(out, 'webview'),
});
rmSync(shim);

// Files the bundle loads at run time.
const grammars = join(out, 'grammars');
mkdirSync(grammars, { recursive: true });
for (const spec of [
  'web-tree-sitter/web-tree-sitter.wasm',
  'tree-sitter-javascript/tree-sitter-javascript.wasm',
  'tree-sitter-typescript/tree-sitter-typescript.wasm',
  'tree-sitter-typescript/tree-sitter-tsx.wasm',
  'tree-sitter-python/tree-sitter-python.wasm',
  'tree-sitter-json/tree-sitter-json.wasm',
]) cpSync(require.resolve(spec), join(grammars, spec.split('/')[1]));
const modules = join(out, 'node_modules');
for (const [pkg, files] of [['typescript', ['package.json', 'lib/typescript.js']], ['piscina', ['package.json', 'dist']]]) {
  // The package folder: the nearest parent of its main file holding its package.json.
  let from = dirname(require.resolve(pkg));
  while (!existsSync(join(from, 'package.json')) || JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')).name !== pkg) from = dirname(from);
  for (const file of files) cpSync(join(from, file), join(modules, pkg, file), { recursive: true });
}

if (process.argv.includes('--vsix')) {
  mkdirSync(join(root, 'dist'), { recursive: true });
  execFileSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', join(root, 'dist', 'orchestra.vsix')], { cwd: join(root, 'extension'), stdio: 'inherit' });
}
