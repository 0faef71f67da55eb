/**
 * The repository's `.github/orchestra.yml`, validated with the core's schema. Read from the base of
 * the change, so a pull request cannot grant itself trust (run tests, load its ESLint config); a
 * pull request that edits the file has its version validated too, so a broken edit is reported.
 */
import { defaultConfig, validateConfig, type OrchestraConfig } from '../../shared/config/index.js';
import { statusOf, type Octokit, type RepoRef } from './octokit.js';

/** Where the app's config lives. */
export const APP_CONFIG_PATH = '.github/orchestra.yml';

/** A usable config, or the exact problems of an invalid one. */
export type RepoConfig = { ok: true; config: OrchestraConfig; found: boolean } | { ok: false; message: string };

/** Reads a file's text at a ref; undefined when it does not exist. */
export async function readFileAt(octokit: Octokit, repo: RepoRef, path: string, ref: string): Promise<string | undefined> {
  try {
    const res = await octokit.rest.repos.getContent({ ...repo, path, ref, mediaType: { format: 'raw' } });
    const data: unknown = res.data;
    if (typeof data === 'string') return data;
    if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
    if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
    // A server that ignored the raw media type answers with the JSON form: base64 content.
    const json = data as { type?: unknown; content?: unknown; encoding?: unknown } | null;
    if (json && !Array.isArray(json) && json.type === 'file' && typeof json.content === 'string' && json.encoding === 'base64') return Buffer.from(json.content, 'base64').toString('utf8');
    return undefined; // a directory listing, a submodule or a symlink: not a file
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** Loads and validates the config at `ref`; a missing file gives the defaults. */
export async function loadRepoConfig(octokit: Octokit, repo: RepoRef, ref: string): Promise<RepoConfig> {
  const text = await readFileAt(octokit, repo, APP_CONFIG_PATH, ref);
  if (text === undefined) return { ok: true, config: defaultConfig(), found: false };
  const result = validateConfig(text, APP_CONFIG_PATH);
  return result.ok ? { ok: true, config: result.config, found: true } : { ok: false, message: result.message };
}
