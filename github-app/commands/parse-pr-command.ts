/**
 * Parses `/orchestra …` commands from a pull-request comment. Only the comment body is read (never
 * titles, PR bodies or code); only lines that start with `/orchestra` count, outside fenced code
 * blocks and quotes, so quoting someone's command or pasting a log cannot trigger an action.
 * The grammar is six verbs with at most two arguments: a hand-written tokenizer is smaller and
 * stricter than any parser library here.
 *
 *   /orchestra review
 *   /orchestra ignore <rule-id | fingerprint> [reason…]
 *   /orchestra explain <rule-id | fingerprint>
 *   /orchestra pause | resume | help
 */

/** One parsed command. */
export type PrCommand =
  | { kind: 'review' }
  | { kind: 'ignore'; target: string; reason?: string }
  | { kind: 'explain'; target: string }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'help' }
  /** Not understood: the app answers with help; `problem` says what was wrong. */
  | { kind: 'unknown'; text: string; problem: string };

/** Bodies longer than this are read only up to it (GitHub allows 65,536 characters). */
export const MAX_BODY = 65_536;
/** At most this many commands per comment are acted on. */
export const MAX_COMMANDS = 5;

const TARGET = /^(?:[a-z0-9@][\w@./-]{0,199}|[0-9a-f]{16})$/i;
const PREFIX = /^\/orchestra(?=\s|$)/;

/** Strips control characters (keeps tabs) and trims. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim();
}

function parseLine(rest: string): PrCommand {
  const words = rest.split(/\s+/).filter(Boolean);
  const [verb, ...args] = words;
  const lower = verb?.toLowerCase();
  switch (lower) {
    case undefined:
    case 'help':
      return { kind: 'help' };
    case 'review':
    case 'pause':
    case 'resume':
      return args.length === 0 ? { kind: lower } : { kind: 'unknown', text: rest, problem: `"/orchestra ${lower}" takes no arguments` };
    case 'ignore':
    case 'explain': {
      const target = args[0];
      if (!target || !TARGET.test(target)) {
        return { kind: 'unknown', text: rest, problem: `"/orchestra ${lower}" needs a rule id (like security/command-injection) or a 16-character finding fingerprint` };
      }
      if (lower === 'explain') return args.length === 1 ? { kind: 'explain', target } : { kind: 'unknown', text: rest, problem: '"/orchestra explain" takes one finding' };
      const reason = args.slice(1).join(' ').slice(0, 500);
      return reason ? { kind: 'ignore', target, reason } : { kind: 'ignore', target };
    }
    default:
      return { kind: 'unknown', text: rest.slice(0, 200), problem: `unknown command "${(verb ?? '').slice(0, 40)}"` };
  }
}

/** Returns the commands in a comment body, in order (empty when there are none). */
export function parsePrCommands(body: unknown): PrCommand[] {
  if (typeof body !== 'string') return [];
  const out: PrCommand[] = [];
  let fence: string | undefined;
  for (const raw of body.slice(0, MAX_BODY).split(/\r?\n/)) {
    const line = raw.trimStart();
    const fenceMatch = /^(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      if (fence === undefined) fence = fenceMatch[1]![0]!;
      else if (fenceMatch[1]![0] === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined || line.startsWith('>') || raw.startsWith('    ') || raw.startsWith('\t')) continue;
    const text = clean(line);
    if (!PREFIX.test(text)) continue;
    out.push(parseLine(text.slice('/orchestra'.length).trim()));
    if (out.length >= MAX_COMMANDS) break;
  }
  return out;
}

/** The help text the app posts for `/orchestra help` and unknown commands. */
export const PR_COMMAND_HELP = [
  'Orchestra understands these commands in a pull-request comment (from users with write access):',
  '',
  '| command | what it does |',
  '| --- | --- |',
  '| `/orchestra review` | review the pull request again now |',
  '| `/orchestra ignore <rule or fingerprint> [reason]` | stop reporting a rule or one finding on this pull request |',
  '| `/orchestra explain <rule or fingerprint>` | explain a finding and how to fix it |',
  '| `/orchestra pause` / `/orchestra resume` | stop / restart automatic reviews of this pull request |',
  '| `/orchestra help` | show this help |',
].join('\n');
