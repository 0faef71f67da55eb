/**
 * GitHub Actions logs: every line starts with the runner's timestamp
 * (`2024-05-01T12:00:00.1234567Z `); the runner writes its own markers as `##[group]…`,
 * `##[endgroup]`, `##[error]…`, and a step's output may hold workflow commands
 * (`::error file=a.ts,line=3,col=5::msg`, `::group::title`).
 */
import type { SourceLocation } from '../types.js';

/** Length of the GitHub runner's prefix, `2024-05-01T12:00:00.1234567Z ` (7 fraction digits). */
export const GITHUB_PREFIX_LENGTH = 29;

/**
 * Length of a leading UTC timestamp prefix (`2024-05-01T12:00:00.1234567Z ` from the GitHub runner,
 * or another RFC 3339 `…Z ` such as `docker logs -t` writes) when the line has one, else 0.
 * Character tests only: it runs on every line.
 */
export function timestampPrefixLength(text: string): number {
  if (text.length < 20) return 0;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58) return 0;
  const c0 = text.charCodeAt(0);
  if (c0 < 48 || c0 > 57) return 0;
  // The fraction has up to 9 digits: the Z is within a few characters of the seconds.
  const limit = Math.min(text.length, 30);
  for (let i = 19; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 90) return i + 1 < text.length && text.charCodeAt(i + 1) === 32 ? i + 2 : i + 1; // Z
    if (c !== 46 && (c < 48 || c > 57)) return 0;
  }
  return 0;
}

/** A workflow command or runner marker. */
export type WorkflowCommand =
  | { command: 'group'; title: string }
  | { command: 'endgroup' }
  | { command: 'error' | 'warning'; message: string; location?: SourceLocation; title?: string }
  | { command: 'other' };

/** Parses a `##[name]rest` marker or a `::name props::rest` command; undefined for other lines. */
export function parseWorkflowCommand(text: string): WorkflowCommand | undefined {
  let name: string;
  let props = '';
  let rest: string;
  if (text.startsWith('##[')) {
    const close = text.indexOf(']', 3);
    if (close === -1) return undefined;
    name = text.slice(3, close);
    rest = text.slice(close + 1);
  } else if (text.startsWith('::')) {
    const end = text.indexOf('::', 2);
    if (end === -1) return undefined;
    const head = text.slice(2, end);
    const space = head.indexOf(' ');
    name = space === -1 ? head : head.slice(0, space);
    props = space === -1 ? '' : head.slice(space + 1);
    rest = text.slice(end + 2);
    if (!/^[a-z-]+$/.test(name)) return undefined;
  } else {
    return undefined;
  }
  switch (name) {
    case 'group':
      return { command: 'group', title: unescapeData(rest).trim() };
    case 'endgroup':
      return { command: 'endgroup' };
    case 'error':
    case 'warning': {
      const command: WorkflowCommand = { command: name, message: unescapeData(rest).trim() };
      const properties = parseProperties(props);
      const file = properties.get('file');
      const lineNo = Number(properties.get('line'));
      if (file && Number.isInteger(lineNo) && lineNo > 0) {
        const column = Number(properties.get('col'));
        command.location = Number.isInteger(column) && column > 0 ? { file, line: lineNo, column } : { file, line: lineNo };
      }
      const title = properties.get('title');
      if (title) command.title = title;
      return command;
    }
    default:
      return { command: 'other' };
  }
}

function parseProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) properties.set(pair.slice(0, eq).trim(), unescapeProperty(pair.slice(eq + 1)));
  }
  return properties;
}

/** The runner's escapes of command data (`%25`, `%0D`, `%0A`). */
function unescapeData(text: string): string {
  return text.includes('%') ? text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%') : text;
}

/** Property values also escape `:` and `,`. */
function unescapeProperty(text: string): string {
  return text.includes('%') ? unescapeData(text.replace(/%3A/gi, ':').replace(/%2C/gi, ',')) : text;
}
