/**
 * From a file as a trace writes it to a file of the project. Traces name files in many ways:
 * absolute paths of this machine or of another one (a CI runner's `/home/runner/work/repo/repo/…`,
 * a container's `/app/…`, `C:\src\…`), paths relative to wherever the process ran, `file://` URLs,
 * bundler URLs (`webpack://app/./src/x.ts`, `webpack-internal:///(rsc)/./src/x.ts`, Vite's `/@fs/…`),
 * a dev server's `http://localhost:3000/src/x.ts?t=1`, and Java's bare `Main.java` whose folder is
 * its package. The answer is the longest tail of the path that exists under the root; nothing
 * outside the root is ever looked at.
 */
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isErrorNamed } from './caught.js';
import type { ProjectFiles } from './project-files.js';
import { isDependencyPath } from './runtime-internals.js';

/** A file as a trace wrote it, read into a path. */
export interface WrittenPath {
  /** Forward slashes, normalised. */
  path: string;
  /** `absolute`: a path of some machine; `relative`: relative to where the program ran; `url`: a URL's path on some server. */
  kind: 'absolute' | 'relative' | 'url';
}

const PSEUDO_FILE = /^(?:node:|internal\/|<|\[|native$|data:|blob:|about:|javascript:)/;
const MAX_SEGMENTS = 40;

/** Reads a file as written in a trace or a source map into a path; undefined for pseudo-files (`<anonymous>`, `node:fs`). */
export function readWrittenPath(written: string): WrittenPath | undefined {
  let text = written.trim();
  if (text === '' || text.length > 4096 || text.includes('\0') || PSEUDO_FILE.test(text)) return undefined;
  let kind: WrittenPath['kind'] | undefined;
  const scheme = /^([a-zA-Z][\w+.-]+):/.exec(text);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    if (name === 'file') {
      try {
        text = fileURLToPath(text);
      } catch (error) {
        // `file://server/share/…` (a UNC URL) and malformed URLs name nothing here.
        if (isErrorNamed(error, 'TypeError')) return undefined;
        throw error;
      }
      kind = 'absolute';
    } else if (name === 'webpack' || name === 'webpack-internal') {
      // `webpack://NAMESPACE/./src/x.ts`, `webpack:///./src/x.ts`, `webpack-internal:///(rsc)/./src/x.ts`: relative to the build's context.
      text = text.replace(/^webpack(?:-internal)?:\/\/[^/]*\/?/i, '').replace(/^(?:\([^)/]*\)\/)+/, '');
      text = stripQuery(text);
      kind = 'relative';
    } else if (text.startsWith('//', scheme[0].length)) {
      try {
        text = decodeURIComponent(new URL(text).pathname);
      } catch (error) {
        if (isErrorNamed(error, 'TypeError', 'URIError')) return undefined;
        throw error;
      }
      kind = 'url';
    } else {
      return undefined;
    }
  }
  text = text.replace(/\\/g, '/');
  if (text.startsWith('//?/')) text = text.slice(4);
  // A Windows drive (`C:/src/app/x.cs`, or `/C:/…` from a file URL): a path of another machine.
  const drive = /^\/?[A-Za-z]:\//.exec(text);
  if (drive) {
    text = text.slice(drive[0].length - 1);
    kind ??= 'absolute';
  }
  if (text.startsWith('/@fs/')) text = text.slice(4);
  if (kind === 'url') text = stripQuery(text);
  kind ??= text.startsWith('/') ? 'absolute' : 'relative';
  const path = posix.normalize(text);
  if (path === '.' || path === '/' || path.endsWith('/')) return undefined;
  return { path, kind };
}

function stripQuery(text: string): string {
  return text.replace(/[?#].*$/, '');
}

/** What a trace tells about a file beyond its name. */
export interface ResolveHint {
  /** Java/Kotlin: the package folder the trace's bare file name lives in (`com/acme/shop/`). */
  packagePath?: string;
}

/**
 * The root-relative path (forward slashes) of the project file a trace names, or undefined when
 * none matches. Absolute paths inside the root are taken as they are; otherwise the longest tail of
 * the path that exists under the root wins. Relative paths, URL paths and Java package paths that
 * match no tail are looked up in the project's file list by their tail (a subproject, `build/`).
 */
export async function resolveProjectFile(written: string, files: ProjectFiles, hint: ResolveHint = {}): Promise<string | undefined> {
  const parsed = readWrittenPath(written);
  if (!parsed) return undefined;
  const { path, kind } = parsed;
  if (hint.packagePath && !path.includes('/')) {
    // `Main.java` of package com.acme.shop: `com/acme/shop/Main.java` at the root or below a source folder.
    const packaged = `${hint.packagePath}${path}`;
    if (await files.exists(packaged)) return packaged;
    return firstExisting(files, await files.filesEndingWith(packaged));
  }
  if (kind === 'absolute') {
    const inside = files.relativePath(path);
    if (inside !== undefined && (await files.exists(inside))) return inside;
  }
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
  if (segments.length === 0) return undefined;
  // A tail never starts past a dependency folder: `…/node_modules/x/index.js` is not the project's `x/index.js`.
  let last = segments.length - 1;
  for (let k = segments.length - 2; k >= 0; k--) {
    if (isDependencyPath(`${segments[k]}/`)) {
      last = k;
      break;
    }
  }
  const from = Math.max(0, segments.length - MAX_SEGMENTS);
  for (let k = from; k <= last; k++) {
    const tail = segments.slice(k).join('/');
    if (await files.exists(tail)) return tail;
  }
  if (kind === 'absolute' || last < segments.length - 1) return undefined;
  // Relative and URL paths may sit below a folder of the root (a subproject, `build/`): find their
  // tail in the file list, longest first; a bare file name is too ambiguous to look for.
  for (let k = from; k < segments.length - 1; k++) {
    const found = await firstExisting(files, await files.filesEndingWith(segments.slice(k).join('/')));
    if (found) return found;
  }
  return undefined;
}

async function firstExisting(files: ProjectFiles, candidates: readonly string[]): Promise<string | undefined> {
  for (const candidate of candidates.slice(0, 3)) {
    if (await files.exists(candidate)) return candidate;
  }
  return undefined;
}
