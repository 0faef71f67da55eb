/**
 * `orchestra schema [--check]` writes the JSON schema of the config (schema/orchestra.schema.json)
 * from the zod schema the code validates with, or checks that the committed file is current.
 */
import { parseArgs } from 'node:util';
import { generateJsonSchema } from '../../shared/config/index.js';
import { ExitCode, type Command, type CommandIO } from '../command.js';
import { packageRoot } from '../paths.js';

const usage = `Usage: orchestra schema [--check]

Writes schema/orchestra.schema.json (in the Orchestra folder) from the config schema.
--check  exit 1 instead of writing when the file is out of date.`;

async function run(args: string[], io: CommandIO): Promise<number> {
  const { values } = parseArgs({ args, options: { check: { type: 'boolean' } } });
  const result = await generateJsonSchema({ rootDir: packageRoot(), mode: values.check ? 'check' : 'write' });
  if (result.upToDate) io.stdout.write(`${result.file} is up to date.\n`);
  else if (result.written) io.stdout.write(`Wrote ${result.file}.\n`);
  else io.stdout.write(`${result.file} is out of date: run \`orchestra schema\`.\n`);
  return result.upToDate || result.written ? ExitCode.Ok : ExitCode.Findings;
}

/** The `schema` command. */
export const schemaCommand: Command = { name: 'schema', summary: 'Write or check the config JSON schema', usage, run };
