/**
 * `rankSuspects`: when bisection is impossible (no passing commit, a shallow clone, a command that
 * passes at HEAD), the commits that last touched the faulting lines are the suspects. One
 * `git blame --porcelain -w -M` per file, with one `-L` range per location (plus `context` lines each
 * side). A faulting line weighs 1 and a line near one 0.1; a commit's score is its share of the
 * weight of all blamed lines, so scores sum to at most 1 (uncommitted lines take their share but are
 * no suspect). Ties go to the newer commit.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError, throwIfAborted } from '../../../shared/errors/errors.js';
import { git, gitText, isGitCommandError } from './git-command.js';
import type { BlameLocation, RankSuspectsOptions, SuspectCommit } from './types.js';

/** Low enough that a location's neighbours (2 × context lines) never outweigh the faulting line itself at the default context. */
const NEIGHBOUR_WEIGHT = 0.1;
const HEADER = /^([0-9a-f]{40}(?:[0-9a-f]{24})?) (\d+) (\d+)(?: (\d+))?$/;
const UNCOMMITTED = /^0+$/;

interface BlamedLine {
  sha: string;
  line: number;
}

interface BlameCommit {
  name: string;
  email: string;
  time: number;
  tz: string;
  summary: string;
}

/** Ranks the commits that last touched `locations`, most suspect first. Locations outside the repository or past a file's end are ignored. */
export async function rankSuspects(options: RankSuspectsOptions): Promise<SuspectCommit[]> {
  const { signal } = options;
  throwIfAborted(signal);
  const context = options.context ?? 2;
  if (!Number.isInteger(context) || context < 0 || context > 50) throw new InvalidInputError(`context must be an integer from 0 to 50, got ${context}`, { key: 'context' });
  if (!Array.isArray(options.locations)) throw new InvalidInputError('locations must be an array of { file, line }', { key: 'locations' });
  let top: string;
  try {
    top = await gitText(['rev-parse', '--show-toplevel'], { cwd: options.repo, ...(signal && { signal }) });
  } catch (error) {
    if (isGitCommandError(error)) throw new InvalidInputError(`${options.repo} is not inside a git work tree.`, { key: 'repo' }, { cause: error });
    throw error;
  }

  const byFile = new Map<string, Set<number>>();
  for (const location of options.locations) {
    const file = normalise(top, location);
    if (file === undefined) continue;
    const lines = byFile.get(file) ?? new Set<number>();
    lines.add(location.line);
    byFile.set(file, lines);
  }

  const weights = new Map<string, { weight: number; lines: SuspectCommit['lines'] }>();
  const commits = new Map<string, BlameCommit>();
  let total = 0;
  for (const [file, lines] of byFile) {
    const blamed = await blameFile(top, file, [...lines], context, options.rev, commits, signal);
    // Each blamed line once, with its highest weight (a faulting line may also neighbour another).
    const best = new Map<number, { sha: string; weight: number; exact: boolean }>();
    for (const { sha, line } of blamed) {
      const exact = lines.has(line);
      const weight = exact ? 1 : NEIGHBOUR_WEIGHT;
      const seen = best.get(line);
      if (!seen || seen.weight < weight) best.set(line, { sha, weight, exact });
    }
    for (const [line, { sha, weight, exact }] of best) {
      total += weight;
      if (UNCOMMITTED.test(sha)) continue;
      const entry = weights.get(sha) ?? { weight: 0, lines: [] };
      entry.weight += weight;
      entry.lines.push({ file, line, exact });
      weights.set(sha, entry);
    }
  }
  if (total === 0) return [];

  const suspects: SuspectCommit[] = [];
  for (const [sha, { weight, lines }] of weights) {
    const commit = commits.get(sha);
    suspects.push({
      sha,
      short: sha.slice(0, 10),
      subject: commit?.summary ?? '',
      author: { name: commit?.name ?? '', email: commit?.email ?? '' },
      date: commit ? isoDate(commit.time, commit.tz) : '',
      score: Math.round((weight / total) * 1000) / 1000,
      lines: lines.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1)),
    });
  }
  const timeOf = (s: SuspectCommit): number => commits.get(s.sha)?.time ?? 0;
  return suspects.sort((a, b) => b.score - a.score || timeOf(b) - timeOf(a));
}

/** Blames the ranges around `lines`; a range past the end is clamped, a file unknown at `rev` gives nothing. */
async function blameFile(
  top: string,
  file: string,
  lines: number[],
  context: number,
  rev: string | undefined,
  commits: Map<string, BlameCommit>,
  signal: AbortSignal | undefined,
): Promise<BlamedLine[]> {
  let ranges = mergeRanges(lines.filter((l) => Number.isInteger(l) && l >= 1).map((l) => [Math.max(1, l - context), l + context] as [number, number]));
  for (let attempt = 0; attempt < 2 && ranges.length > 0; attempt++) {
    const args = ['blame', '--porcelain', '-w', '-M', ...ranges.flatMap(([a, b]) => ['-L', `${a},${b}`]), ...(rev !== undefined ? [rev] : []), '--', file];
    try {
      const { stdout } = await git(args, { cwd: top, ...(signal && { signal }) });
      return parsePorcelain(stdout, commits);
    } catch (error) {
      if (!isGitCommandError(error)) throw error;
      const only = /has only (\d+) lines?/.exec(error.stderr);
      if (!only) return []; // no such path (at rev), binary, outside the repository
      const last = Number(only[1]);
      ranges = ranges.filter(([a]) => a <= last).map(([a, b]) => [a, Math.min(b, last)] as [number, number]);
    }
  }
  return [];
}

/** Parses `git blame --porcelain`: a header per line, commit details the first time a commit appears. */
function parsePorcelain(text: string, commits: Map<string, BlameCommit>): BlamedLine[] {
  const out: BlamedLine[] = [];
  let current: { sha: string; details: Partial<BlameCommit> } | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('\t')) {
      if (current && !commits.has(current.sha) && current.details.name !== undefined) {
        const d = current.details;
        commits.set(current.sha, { name: d.name ?? '', email: d.email ?? '', time: d.time ?? 0, tz: d.tz ?? '+0000', summary: d.summary ?? '' });
      }
      current = undefined;
      continue;
    }
    const header = HEADER.exec(line);
    if (header && current === undefined) {
      current = { sha: header[1]!, details: {} };
      out.push({ sha: header[1]!, line: Number(header[3]) });
      continue;
    }
    if (!current) continue;
    const space = line.indexOf(' ');
    const key = space < 0 ? line : line.slice(0, space);
    const value = space < 0 ? '' : line.slice(space + 1);
    if (key === 'author') current.details.name = value;
    else if (key === 'author-mail') current.details.email = value.replace(/^<|>$/g, '');
    else if (key === 'author-time') current.details.time = Number(value);
    else if (key === 'author-tz') current.details.tz = value;
    else if (key === 'summary') current.details.summary = value;
  }
  return out;
}

function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1]);
    else out.push([...range]);
  }
  return out;
}

/** The location's file relative to `top` with forward slashes, or undefined when outside. */
function normalise(top: string, location: BlameLocation): string | undefined {
  if (typeof location?.file !== 'string' || location.file === '' || !Number.isInteger(location.line) || location.line < 1) return undefined;
  let file = location.file;
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  if (isAbsolute(file)) {
    file = relative(top, file);
    if (file === '' || file.startsWith('..') || isAbsolute(file)) return undefined;
  }
  file = file.split(sep).join('/').replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  if (file.startsWith('../')) return undefined;
  return file;
}

/** ISO 8601 in the author's own offset, as `%aI` prints it. */
function isoDate(epochSeconds: number, tz: string): string {
  const match = /^([+-])(\d\d)(\d\d)$/.exec(tz);
  const offsetMinutes = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  const local = new Date((epochSeconds + offsetMinutes * 60) * 1000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
