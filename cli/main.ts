/**
 * `orchestra` entry point: parses the command name and dispatches. Nothing else lives here.
 */
import { InvalidInputError, errorMessage } from '../shared/errors/errors.js';
import { ExitCode, UsageError, type Command, type CommandIO } from './command.js';
import { commands } from './commands/index.js';
import { orchestraVersion } from './paths.js';


/** Top-level help text. */
export function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'orchestra — swarms of small agents that review, triage and watch your code',
    '',
    'Usage: orchestra <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  Show help for a command: orchestra help <command>`,
    '',
    'Options: --help, --version',
    '',
  ].join('\n');
}

/** Runs the CLI with the given arguments; returns the exit code. */
export async function run(argv: string[], io: CommandIO = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.stdout.write(helpText());
    return name === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${orchestraVersion()}\n`);
    return ExitCode.Ok;
  }
  if (name === 'help') {
    const target = commands.find((c) => c.name === rest[0]);
    io.stdout.write(target ? `${(await target.load()).usage}\n` : helpText());
    return ExitCode.Ok;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`orchestra: unknown command "${name}".\n\n${helpText()}`);
    return ExitCode.Usage;
  }
  const command: Command = await entry.load();
  // Arguments after `--` belong to a command being run (bisect's test command), not to us.
  const ours = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (ours.includes('--help') || ours.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return ExitCode.Ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`orchestra ${command.name}: ${error.message}\n\n${command.usage}\n`);
      return ExitCode.Usage;
    }
    if (error instanceof InvalidInputError) {
      io.stderr.write(`orchestra ${command.name}: ${error.message}\n`);
      return ExitCode.Usage;
    }
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`orchestra ${command.name}: ${error.message}\n\n${command.usage}\n`);
      return ExitCode.Usage;
    }
    io.stderr.write(`orchestra ${command.name}: ${errorMessage(error)}\n`);
    return ExitCode.Usage;
  }
}

function defaultIO(): CommandIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, stdin: process.stdin };
}
