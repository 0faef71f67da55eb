import { describe, expect, it } from '@jest/globals';
import { detectWorkspaceRoot, type RepoTree } from '../../../github-app/triage/repo-files.js';

const tree: RepoTree = { files: new Map([['src/greet.js', 90], ['test/greet.test.js', 300], ['index.js', 10], ['package.json', 80]]), complete: true };

describe('detectWorkspaceRoot', () => {
  it('finds a GitHub-hosted runner workspace from stack frames, file:// URLs included', () => {
    const log = [
      "2024-05-01T10:00:01.0000000Z     greet (file:///home/runner/work/hello/hello/src/greet.js:4:33)",
      '2024-05-01T10:00:01.0000000Z     at Object.<anonymous> (/home/runner/work/hello/hello/test/greet.test.js:7:16)',
    ].join('\n');
    expect(detectWorkspaceRoot(log, tree, 'hello')).toBe('/home/runner/work/hello/hello');
  });

  it('finds a container job workspace and a self-hosted layout', () => {
    expect(detectWorkspaceRoot('    at run (/__w/hello/hello/src/greet.js:2:3)', tree, 'hello')).toBe('/__w/hello/hello');
    expect(detectWorkspaceRoot('Error at /srv/ci/checkout/src/greet.js:9', tree, 'hello')).toBe('/srv/ci/checkout');
  });

  it('is not fooled by node_modules, tool caches or URLs that end in a file of the tree', () => {
    const log = [
      '    at x (/home/runner/work/hello/hello/node_modules/dep/index.js:1:1)',
      '    at y (/opt/hostedtoolcache/node/20.12.2/x64/lib/node_modules/npm/index.js:1:1)',
      'see https://github.com/octo-org/hello/blob/main/src/greet.js',
      '    at greet (/home/runner/work/hello/hello/src/greet.js:4:33)',
    ].join('\n');
    expect(detectWorkspaceRoot(log, tree, 'hello')).toBe('/home/runner/work/hello/hello');
  });

  it('falls back to the REPO/REPO layout seen in the log, then to the hosted runner default', () => {
    const empty: RepoTree = { files: new Map(), complete: false };
    expect(detectWorkspaceRoot('[command]/usr/bin/git init /home/runner/work/hello/hello\n', empty, 'hello')).toBe('/home/runner/work/hello/hello');
    expect(detectWorkspaceRoot('nothing here', empty, 'hello')).toBe('/home/runner/work/hello/hello');
  });

  it('copes with hostile input: huge paths and floods of path-like tokens (bounded work, no hang)', () => {
    const log = `${'/a'.repeat(200_000)}\n${'/b/c.js '.repeat(150_000)}\n    at greet (/w/hello/hello/src/greet.js:4:33)`;
    expect(detectWorkspaceRoot(log, tree, 'hello')).toBe('/home/runner/work/hello/hello');
    expect(detectWorkspaceRoot(`    at greet (/w/hello/hello/src/greet.js:4:33)\n${'/b/c.js '.repeat(100)}`, tree, 'hello')).toBe('/w/hello/hello');
  });
});
