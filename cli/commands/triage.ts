/**
 * `orchestra triage [LOGFILE|-]`: reads a failure's output (a test run, a crash log, a CI log) and
 * says where (the first frame in the project's own code, mapped through source maps), why (the
 * error, grouped and counted) and what to do (knowledge-base suggestions; a checked patch with an
 * LLM configured). Reads the file or standard input as a stream, in bounded memory.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderTriageText, triage } from '../../agents/error/triage.js';
import { loadConfig } from '../../shared/config/index.js';
import { ExitCode, UsageError, type Command, type CommandIO } from '../command.js';
import { chatModelFromConfig } from '../../agents/llm/chat-model.js';

const usage = `Usage: orchestra triage [LOGFILE|-] [options]

Reads a failure's output — test runner output (jest, vitest, mocha, node:test, pytest), compiler and
linter output (tsc, ESLint), npm, a GitHub Actions log, an application log — from LOGFILE or, with -
or no file, standard input; groups the errors, traces each to the first frame in the project's own
code (through source maps) and suggests a fix there.

  --root DIR          project the frames are resolved against (default: the current folder)
  --format FORMAT     text (default) or json
  --max N             error groups to report (default 10)
  --llm               also ask the configured language model (config llm.provider) for a patch,
                      shown only when it applies cleanly

Examples:
  npm test 2>&1 | orchestra triage
  orchestra triage build.log --format json

Exit codes: 0 no errors found, 1 errors found, 2 usage error (e.g. unreadable file).`;

async function openInput(path: string | undefined, io: CommandIO): Promise<AsyncIterable<string | Uint8Array>> {
  if (path === undefined || path === '-') {
    if (!io.stdin) throw new UsageError('Nothing to read: give a LOGFILE.');
    if (path === undefined && io.stdin.isTTY) throw new UsageError('Give a LOGFILE, or pipe the output in: npm test 2>&1 | orchestra triage');
    return io.stdin as AsyncIterable<string | Uint8Array>;
  }
  const file = resolve(io.cwd, path);
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new UsageError(`Cannot read "${path}": no such file.`);
  if (!info.isFile()) throw new UsageError(`Cannot read "${path}": not a file.`);
  return createReadStream(file);
}

async function run(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { root: { type: 'string' }, format: { type: 'string' }, max: { type: 'string' }, llm: { type: 'boolean' } },
  });
  if (positionals.length > 1) throw new UsageError(`Give one LOGFILE (or -); got ${positionals.length}.`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json; got "${format}".`);
  const maxItems = values.max === undefined ? 10 : Number(values.max);
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 1000) throw new UsageError(`--max must be a whole number from 1 to 1000; got "${values.max}".`);
  const root = resolve(io.cwd, values.root ?? '.');
  const rootInfo = await stat(root).catch(() => undefined);
  if (!rootInfo?.isDirectory()) throw new UsageError(`--root "${values.root}" is not a folder.`);

  const model = values.llm ? await chatModelFromConfig((await loadConfig({ cwd: root })).config.llm, io.env) : undefined;
  const input = await openInput(positionals[0], io);
  const report = await triage(input, { root, maxItems, model });
  if (format === 'json') io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(renderTriageText(report));
  return report.items.length > 0 ? ExitCode.Findings : ExitCode.Ok;
}

/** The `triage` command. */
export const triageCommand: Command = { name: 'triage', summary: 'Find where and why a failure happened, from its output', usage, run };
