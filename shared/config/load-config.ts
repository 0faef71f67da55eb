/**
 * Finds, reads and validates the Orchestra config of a working tree. Lookup order: an explicit
 * file; else `orchestra.config.json`, `orchestra.config.yaml` or `orchestra.config.yml` at the
 * root; else `.github/orchestra.yml`. No file at all means the defaults. Two candidate files at
 * once is an error rather than a silent choice.
 */
import { open } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { errorMessage, InvalidInputError, throwIfAborted } from '../errors/errors.js';
import { defaultConfig, type OrchestraConfig } from './config-schema.js';
import { DEFAULT_MAX_CONFIG_BYTES, configFormat, parseConfig } from './parse-config.js';

/** Files looked for, in order, relative to the working tree's root. */
export const CONFIG_FILE_NAMES = ['orchestra.config.json', 'orchestra.config.yaml', 'orchestra.config.yml', '.github/orchestra.yml'] as const;

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Root of the working tree (the repository root); relative paths resolve against it. */
  cwd: string;
  /** An explicit config file (absolute or relative to `cwd`); it must exist. */
  file?: string;
  /** Largest accepted file in bytes. Default 256 KiB. */
  maxBytes?: number;
  /** Cancels reading. */
  signal?: AbortSignal;
}

/** A loaded config and where it came from. */
export interface LoadedConfig {
  config: OrchestraConfig;
  /** Absolute path of the file read, or `undefined` when none exists and defaults apply. */
  file: string | undefined;
  /** The root the config's relative paths refer to (the given `cwd`, resolved). */
  rootDir: string;
}

/**
 * Loads the config for a working tree.
 * @throws InvalidInputError when the explicit file is missing, two config files compete, the file
 *   is too large or unreadable, or its content is invalid (see {@link parseConfig}).
 * @throws CancelledError when `signal` fires.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const rootDir = resolve(options.cwd);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CONFIG_BYTES;
  throwIfAborted(options.signal);

  let file: string;
  if (options.file !== undefined) {
    file = isAbsolute(options.file) ? options.file : resolve(rootDir, options.file);
    configFormat(file);
    const text = await readLimited(file, maxBytes, options.signal, true);
    if (text === undefined) {
      throw new InvalidInputError(`Config file ${file} does not exist. Check the path, or omit it to use ${CONFIG_FILE_NAMES.join(', ')}.`, { file });
    }
    return { config: parseConfig(text, displayName(rootDir, file), { maxBytes }), file, rootDir };
  }

  const found: { file: string; text: string }[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = resolve(rootDir, name);
    const text = await readLimited(candidate, maxBytes, options.signal, false);
    if (text !== undefined) found.push({ file: candidate, text });
  }
  if (found.length > 1) {
    const names = found.map((f) => displayName(rootDir, f.file));
    throw new InvalidInputError(`Found several Orchestra config files: ${names.join(', ')}. Keep one of them (Orchestra would otherwise have to guess).`, {
      file: found[0]!.file,
    });
  }
  const only = found[0];
  if (!only) return { config: defaultConfig(), file: undefined, rootDir };
  file = only.file;
  return { config: parseConfig(only.text, displayName(rootDir, file), { maxBytes }), file, rootDir };
}

/** The path as messages show it: relative to the root when inside it. */
function displayName(rootDir: string, file: string): string {
  const rel = relative(rootDir, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : file;
}

/**
 * Reads a file as UTF-8, refusing it before reading when it exceeds `maxBytes`. Returns undefined
 * when it does not exist.
 */
async function readLimited(file: string, maxBytes: number, signal: AbortSignal | undefined, explicit: boolean): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if (isCode(error, 'ENOENT') || (!explicit && isCode(error, 'ENOTDIR'))) return undefined;
    throw new InvalidInputError(`Cannot read config file ${file}: ${errorMessage(error)}`, { file }, { cause: error });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new InvalidInputError(`Config path ${file} is not a file.`, { file });
    if (stat.size > maxBytes) {
      throw new InvalidInputError(`Config file ${file} is ${stat.size} bytes; config files are limited to ${maxBytes} bytes.`, { file });
    }
    throwIfAborted(signal);
    // Read one byte past the limit so a file that grew after stat() is still refused.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      throwIfAborted(signal);
    }
    if (length > maxBytes) throw new InvalidInputError(`Config file ${file} is larger than ${maxBytes} bytes.`, { file });
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Checks an errno code without `instanceof` (errors from node:fs may come from another realm). */
function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}
