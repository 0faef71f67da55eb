/**
 * A real Chrome trace: TypeScript bundled with a source map (esbuild), served on 127.0.0.1, run in
 * headless Chromium, whose page writes `error.stack` into the DOM (`--dump-dom` prints it). The
 * frames name `http://127.0.0.1:PORT/static/app.js`: the tracer finds the bundle under the project's
 * `public/` folder by the URL's path and maps it back to the .ts sources.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { locate, parseStackTraces } from '../../../../agents/error/stack/index.js';
import { hasCommand, lineOf, tempProject, type TempProject } from './programs.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = hasCommand(CHROMIUM, ['--version']);

const sources = {
  'src/profile.ts': ['export interface User { profile?: { name: string } }', '', 'export function displayName(user: User): string {', '  return user.profile!.name.toUpperCase();', '}', ''].join('\n'),
  'src/app.ts': [
    "import { displayName, type User } from './profile';",
    '',
    'async function loadUser(): Promise<User> {',
    '  await new Promise((resolve) => setTimeout(resolve, 1));',
    '  return {};',
    '}',
    '',
    'async function render(): Promise<void> {',
    '  const user = await loadUser();',
    "  document.title = displayName(user);",
    '}',
    '',
    'async function main(): Promise<void> {',
    '  await render();',
    '}',
    '',
    'main().catch((error: Error) => {',
    "  const out = document.createElement('pre');",
    "  out.id = 'stack';",
    '  out.textContent = btoa(String(error.stack));',
    '  document.body.append(out);',
    '});',
    '',
  ].join('\n'),
  'public/index.html': '<!doctype html><html><body><script src="/static/app.js"></script></body></html>\n',
};

let project: TempProject;
let server: Server;
let stackText = '';
let port = 0;

function dumpDom(url: string, profile: string): Promise<string> {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--virtual-time-budget=5000', '--dump-dom', url];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, args, { timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
}

beforeAll(async () => {
  if (!hasChromium) return;
  project = await tempProject(sources);
  await build({ entryPoints: [join(project.root, 'src/app.ts')], bundle: true, format: 'iife', platform: 'browser', sourcemap: true, outfile: join(project.root, 'public/static/app.js'), logLevel: 'silent' });
  server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const file = join(project.root, 'public', path === '/' ? 'index.html' : path);
    readFile(file).then(
      (body) => {
        response.writeHead(200, { 'content-type': file.endsWith('.html') ? 'text/html' : file.endsWith('.js') ? 'text/javascript' : 'application/json' });
        response.end(body);
      },
      () => {
        response.writeHead(404);
        response.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const dom = await dumpDom(`http://127.0.0.1:${port}/index.html`, join(project.root, '.chromium-profile'));
  const encoded = /<pre id="stack">([^<]*)<\/pre>/.exec(dom)?.[1];
  if (!encoded) throw new Error(`The page did not report a stack:\n${dom}`);
  stackText = Buffer.from(encoded, 'base64').toString('utf8');
}, 120_000);

afterAll(async () => {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  await project?.dispose();
});

(hasChromium ? describe : describe.skip)('Chrome (headless Chromium)', () => {
  it('parses the trace Chrome produced, async frames included', () => {
    const [trace, ...rest] = parseStackTraces(stackText);
    expect(rest).toHaveLength(0);
    expect(trace).toMatchObject({ language: 'javascript', errorType: 'TypeError' });
    expect(trace!.message).toMatch(/Cannot read properties of undefined \(reading 'name'\)/);
    const url = `http://127.0.0.1:${port}/static/app.js`;
    expect(trace!.frames[0]).toMatchObject({ function: 'displayName', file: url });
    expect(trace!.frames[1]).toMatchObject({ function: 'render', file: url });
    expect(trace!.frames[2]).toMatchObject({ function: 'main', file: url, async: true });
  });

  it('finds the bundle by its URL path and maps it to the TypeScript source', async () => {
    const trace = parseStackTraces(stackText)[0]!;
    const located = await locate(trace, { root: project.root });
    expect(located.trace.frames[0]).toMatchObject({ own: true, projectFile: 'src/profile.ts' });
    expect(located.fault).toMatchObject({ file: 'src/profile.ts', line: lineOf(sources['src/profile.ts'], 'user.profile!.name'), via: 'source-map' });
    expect(located.candidates.slice(1).map((c) => [c.file, c.line])).toEqual([
      ['src/app.ts', lineOf(sources['src/app.ts'], 'displayName(user)')],
      ['src/app.ts', lineOf(sources['src/app.ts'], 'await render()')],
    ]);
  });
});
