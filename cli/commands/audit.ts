/**
 * `orchestra audit verify [FILE]` checks the hash-chained audit log for any edit, deletion,
 * insertion, reordering or truncation and names the first bad entry; `orchestra audit show` prints
 * the latest entries.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readAudit, verifyAuditLog } from '../../shared/audit/index.js';
import { loadConfig } from '../../shared/config/index.js';
import { ExitCode, UsageError, type Command, type CommandIO } from '../command.js';

const usage = `Usage: orchestra audit verify [FILE] [--json]
       orchestra audit show [FILE] [--limit N]

verify  checks the audit log (default: the config's audit.path) and its .head file; exits 0 when
        intact, 1 naming the first bad entry (line, seq and why) when it was edited, truncated,
        reordered, or had entries inserted or deleted.
show    prints the newest entries (default 20) as JSON lines.`;

async function defaultPath(io: CommandIO): Promise<string> {
  const { config, rootDir } = await loadConfig({ cwd: io.cwd });
  return resolve(rootDir, config.audit.path);
}

async function run(args: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, limit: { type: 'string' } } });
  const file = positionals[0] ? resolve(io.cwd, positionals[0]) : await defaultPath(io);
  if (sub === 'verify') {
    const result = await verifyAuditLog(file);
    if (values.json) io.stdout.write(`${JSON.stringify({ file, ...result })}\n`);
    else if (result.ok) io.stdout.write(`✔ ${file}: ${result.entries} entries, hash chain intact (last seq ${result.lastSeq}).\n`);
    else io.stdout.write(`✖ ${file}: ${result.problem!.kind} at line ${result.problem!.line} (seq ${result.problem!.seq}): ${result.problem!.message}\n  ${result.entries} entries before it verified.\n`);
    return result.ok ? ExitCode.Ok : ExitCode.Findings;
  }
  if (sub === 'show') {
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number; got "${values.limit}".`);
    for (const entry of await readAudit(file, { limit })) io.stdout.write(`${JSON.stringify(entry)}\n`);
    return ExitCode.Ok;
  }
  throw new UsageError(sub === undefined ? 'Say what to do: verify or show.' : `Unknown audit subcommand "${sub}": use verify or show.`);
}

/** The `audit` command. */
export const auditCommand: Command = { name: 'audit', summary: 'Verify or show the hash-chained audit trail', usage, run };
