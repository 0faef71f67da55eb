/**
 * Generates the JSON schema users point their editors at (`schema/orchestra.schema.json`) from the
 * zod schema, so the two cannot drift: a test regenerates it and compares with the committed file.
 * The CLI / npm script that calls this is wired by the host.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { throwIfAborted } from '../errors/errors.js';
import { configSchema } from './config-schema.js';

/** Where the schema is committed, relative to the repository root. */
export const JSON_SCHEMA_PATH = 'schema/orchestra.schema.json';

/** Options of {@link generateJsonSchema}. */
export interface GenerateJsonSchemaOptions {
  /** Repository root the default output path is resolved against. Default `process.cwd()`. */
  rootDir?: string;
  /** Output file. Default {@link JSON_SCHEMA_PATH} under `rootDir`. */
  outFile?: string;
  /** `write` (default) writes the file if it changed; `check` only compares (for CI). */
  mode?: 'write' | 'check';
  signal?: AbortSignal;
}

/** What {@link generateJsonSchema} produced. */
export interface GeneratedJsonSchema {
  /** The schema object. */
  schema: Record<string, unknown>;
  /** The file's exact text: two-space JSON with a trailing newline. */
  text: string;
  file: string;
  /** True when the file already had exactly this text. */
  upToDate: boolean;
  /** True when this call wrote the file. */
  written: boolean;
}

/** The JSON schema of the config file as an object (input side: every defaulted key is optional). */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, title: 'Orchestra configuration', ...rest };
}

/**
 * Renders the config's JSON schema and writes it (atomically) when it differs from the file, or in
 * `check` mode just reports whether the file is up to date.
 */
export async function generateJsonSchema(options: GenerateJsonSchemaOptions = {}): Promise<GeneratedJsonSchema> {
  const file = resolve(options.rootDir ?? process.cwd(), options.outFile ?? JSON_SCHEMA_PATH);
  const schema = configJsonSchema();
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  throwIfAborted(options.signal);
  const current = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  const upToDate = current === text;
  if (upToDate || options.mode === 'check') return { schema, text, file, upToDate, written: false };
  throwIfAborted(options.signal);
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, file);
  return { schema, text, file, upToDate, written: true };
}
