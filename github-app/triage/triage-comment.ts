/**
 * The one triage comment per pull request and workflow: which workflow, job and step failed, the
 * first error, where in the repository's code (linked to the file at the run's commit, with a code
 * frame), suggestions, a suspect commit when one is found, and a short log excerpt. A hidden marker
 * names the workflow (so re-runs and later pushes edit the same comment) and the run and attempt it
 * shows (so an older run never overwrites a newer one).
 *
 * Everything that comes from the log is redacted with the governance rules before it is rendered:
 * GitHub masks registered secrets as `***`, but not tokens a program printed that nobody registered.
 */
import { renderTriageMarkdown } from '../../agents/error/triage.js';
import type { FaultLocation, LogError, TriageItem, TriageReport } from '../../agents/error/types.js';
import { redactString } from '../../shared/governance/redact.js';
import type { JobLog } from './job-logs.js';
import type { SuspectSearch } from './suspect-commit.js';
import type { TriageJobData } from './workflow-run-event.js';

/** Start of every triage comment's marker. */
export const TRIAGE_MARKER = '<!-- orchestra:triage';
/** GitHub refuses comments longer than 65,536 characters; the body stays well below. */
export const MAX_COMMENT_CHARS = 60_000;
const EXCERPT_LINES = 30;
/** Error groups shown per job. */
const ITEMS_SHOWN = 3;
const EXCERPT_CHARS = 3_000;

/** Which run a comment shows. */
export interface TriageMark {
  workflowId: number;
  runId: number;
  attempt: number;
}

/** The marker written in the comment. */
export function triageMarker(mark: TriageMark): string {
  return `${TRIAGE_MARKER} workflow=${mark.workflowId} run=${mark.runId} attempt=${mark.attempt} -->`;
}

/** What a comment of this workflow contains, whatever run it shows. */
export function workflowMarker(workflowId: number): string {
  return `${TRIAGE_MARKER} workflow=${workflowId} `;
}

/** The run a comment shows, from its marker. */
export function parseTriageMarker(body: string): TriageMark | undefined {
  const m = /<!-- orchestra:triage workflow=(\d+) run=(\d+) attempt=(\d+) -->/.exec(body);
  return m ? { workflowId: Number(m[1]), runId: Number(m[2]), attempt: Number(m[3]) } : undefined;
}

/** True when `a` shows a later run (run ids grow) or a later attempt of the same run than `b`. */
export function isLaterRun(a: TriageMark, b: TriageMark): boolean {
  return a.runId > b.runId || (a.runId === b.runId && a.attempt > b.attempt);
}

/** One failed job, triaged. */
export interface JobTriage {
  id: number;
  name: string;
  htmlUrl?: string;
  conclusion: string;
  /** The failing step, from the jobs API. */
  step?: string;
  log: JobLog;
  /** Redacted ({@link redactReport}) before it is stored here. */
  report?: TriageReport;
  /** Why the log could not be analysed, when it could not. */
  analysisError?: string;
}

/** What the comment shows for one pull request. */
export interface TriageCommentInput {
  run: Pick<TriageJobData, 'workflowId' | 'workflowName' | 'runId' | 'runAttempt' | 'runNumber' | 'runHtmlUrl' | 'conclusion' | 'headSha' | 'repoHtmlUrl'>;
  jobs: readonly JobTriage[];
  /** Failed jobs not triaged (over the cap). */
  omittedJobs: readonly string[];
  /** Suspect search per job id, for this pull request. */
  suspects: ReadonlyMap<number, SuspectSearch>;
}

/** Neutralises @mentions (a comment must not ping people named in a log) after redaction. */
function safeText(text: string): string {
  return redactString(text).replace(/@(?=[\w-])/g, '@\u200b');
}

// The markdown renderer escapes (and de-mentions) headings, test and step names; code spans and fences
// cannot ping. Only a suggestion's detail is rendered as it is, so only it is de-mentioned here.
function redactError(error: LogError): LogError {
  return {
    ...error,
    message: redactString(error.message),
    ...(error.stack !== undefined ? { stack: redactString(error.stack) } : {}),
    ...(error.test !== undefined ? { test: redactString(error.test) } : {}),
    ...(error.step !== undefined ? { step: redactString(error.step) } : {}),
    ...(error.context !== undefined ? { context: redactString(error.context) } : {}),
  };
}

function redactFault(fault: FaultLocation): FaultLocation {
  return { ...fault, ...(fault.codeFrame !== undefined ? { codeFrame: redactString(fault.codeFrame) } : {}), ...(fault.function !== undefined ? { function: redactString(fault.function) } : {}) };
}

/** The report with every text that came from the log or the code redacted; traces are dropped (not rendered). */
export function redactReport(report: TriageReport): TriageReport {
  const items: TriageItem[] = report.items.map((item) => ({
    group: { ...item.group, first: redactError(item.group.first) },
    ...(item.fault ? { fault: redactFault(item.fault) } : {}),
    candidates: item.candidates.map(redactFault),
    suggestions: item.suggestions.map((s) => ({ ...s, title: redactString(s.title), detail: safeText(s.detail), ...(s.patch !== undefined ? { patch: redactString(s.patch) } : {}) })),
  }));
  return { items, analysis: report.analysis };
}

/** Inline code that no text can break out of. */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ').slice(0, 200);
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}\n${text}\n${ticks}`;
}

/** A link to a file's line at the run's commit. */
export function blobLink(repoHtmlUrl: string, sha: string, file: string, line: number): string {
  return `${repoHtmlUrl}/blob/${sha}/${file.split('/').map(encodeURIComponent).join('/')}#L${line}`;
}

function excerpt(error: LogError): string | undefined {
  const text = error.context ?? error.stack;
  if (!text) return undefined;
  const lines = text.split('\n').slice(0, EXCERPT_LINES).join('\n');
  return lines.length > EXCERPT_CHARS ? `${lines.slice(0, EXCERPT_CHARS)}\n…` : lines;
}

function suspectText(input: TriageCommentInput, search: SuspectSearch | undefined): string | undefined {
  if (!search) return undefined;
  const s = search.suspect;
  if (!s) {
    if (search.commits === 0) return undefined;
    if (search.examined === 0) return `**Suspect commit:** not searched: ${search.note ?? 'no commit could be read'}.`;
    const note = search.note ? ` (${search.note})` : '';
    return `**Suspect commit:** none found. None of the ${search.examined} newest commit(s) of this pull request changed the failing line${note}, so the cause may be elsewhere: the base branch, a dependency, the environment, or a test that changed.`;
  }
  const commit = `[${codeSpan(s.commit.sha.slice(0, 7))}](${s.commit.htmlUrl}) ${codeSpan(s.commit.title || '(no message)')}${s.commit.author ? ` by ${codeSpan(s.commit.author)}` : ''}`;
  const where = s.role === 'fault' ? 'the failing line' : 'a line of the stack in the repository’s code';
  const moved = s.file !== s.fileNow || s.lineThen !== s.lineNow ? ` (then line ${s.lineThen}${s.file !== s.fileNow ? ` of ${codeSpan(s.file)}` : ''})` : '';
  const lineRef = `${codeSpan(`${s.fileNow}:${s.lineNow}`)}${moved}`;
  const why: Record<typeof s.how, string> = {
    'changed': `it changed ${lineRef}, ${where}`,
    'added-file': `it added ${codeSpan(s.file)}, which holds ${where} (${codeSpan(`${s.fileNow}:${s.lineNow}`)})`,
    'removed-next-to': `it removed ${s.removed ?? 'some'} line(s) right next to ${lineRef}, ${where}`,
    'file-without-patch': `it changed ${codeSpan(s.file)}, which holds ${where}; GitHub shows no line diff for it, so the lines it touched are unknown`,
  };
  const merge = s.commit.merge ? ' It is a merge commit: the change may come from the branch it merged.' : '';
  const callerOnly = s.role === 'caller' ? ` No commit of this pull request changed the failing line itself${search.note ? ` (${search.note})` : ''}.` : '';
  return `**Suspect commit:** ${commit}: ${why[s.how]}. It is the most recent commit of this pull request that did.${callerOnly}${merge} A lead, not a verdict.`;
}

function jobHeading(job: JobTriage): string {
  const name = job.htmlUrl ? `[${codeSpan(job.name)}](${job.htmlUrl})` : codeSpan(job.name);
  const state = job.conclusion === 'timed_out' ? 'timed out' : job.conclusion === 'cancelled' ? 'was cancelled' : 'failed';
  return `### Job ${name} ${state}${job.step ? ` at step ${codeSpan(job.step)}` : ''}`;
}

function renderJob(input: TriageCommentInput, job: JobTriage, seen: Map<string, string>, withExcerpt: boolean): string {
  const out = [jobHeading(job), ''];
  if (!job.log.ok) {
    out.push(`The job’s log is not available (${safeText(job.log.detail)}). GitHub deletes logs after the repository’s retention period; re-run the job to get a new one.`, '');
    return out.join('\n');
  }
  if (job.analysisError) {
    out.push(`Orchestra could not analyse this job’s log: ${safeText(job.analysisError)}.`, '');
    return out.join('\n');
  }
  const report = job.report;
  if (!report || report.items.length === 0) {
    out.push(`Orchestra found no error message in the job’s log (${report?.analysis.stats.lines ?? 0} lines read${job.log.truncated ? ', its end only' : ''}).`, '');
    return out.join('\n');
  }
  const top = report.items[0]!;
  const same = seen.get(top.group.fingerprint);
  if (same) {
    out.push(`The same error as job ${codeSpan(same)} above.`, '');
    return out.join('\n');
  }
  seen.set(top.group.fingerprint, job.name);
  const { run } = input;
  // The first error always; after it only errors located in the repository's code (not "exit code 1").
  const shown = { ...report, items: report.items.filter((item, index) => index === 0 || item.fault).slice(0, ITEMS_SHOWN) };
  out.push(renderTriageMarkdown(shown, { maxItems: ITEMS_SHOWN, linkFile: (file, line) => blobLink(run.repoHtmlUrl, run.headSha, file, line) }).trimEnd(), '');
  const suspect = suspectText(input, input.suspects.get(job.id));
  if (suspect) out.push(suspect, '');
  const text = withExcerpt ? excerpt(top.group.first) : undefined;
  if (text) out.push(`<details><summary>Log excerpt (line ${top.group.first.logLine}${job.log.truncated ? ' of the log’s end' : ''})</summary>`, '', fence(text), '', '</details>', '');
  return out.join('\n');
}

/** The comment body, with its marker, within GitHub's size limit. */
export function renderTriageComment(input: TriageCommentInput): string {
  const { run } = input;
  const head = [
    triageMarker({ workflowId: run.workflowId, runId: run.runId, attempt: run.runAttempt }),
    `## Orchestra: ${codeSpan(run.workflowName)} ${run.conclusion === 'timed_out' ? 'timed out' : 'failed'}`,
    '',
    `[Run #${run.runNumber}${run.runAttempt > 1 ? `, attempt ${run.runAttempt}` : ''}](${run.runHtmlUrl}) on commit ${codeSpan(run.headSha.slice(0, 7))}.`,
    '',
    '',
  ].join('\n');
  const foot = [
    input.omittedJobs.length > 0 ? `${input.omittedJobs.length} more failed job(s) not shown: ${input.omittedJobs.slice(0, 10).map(codeSpan).join(', ')}.\n` : '',
    '<sub>Orchestra read the logs and the code through the API; it never runs the repository’s code. This comment is updated when the workflow runs again.</sub>',
  ].join('\n');
  for (const withExcerpt of [true, false]) {
    const seen = new Map<string, string>();
    const body = `${head}${input.jobs.map((job) => renderJob(input, job, seen, withExcerpt)).join('\n')}\n${foot}`;
    if (body.length <= MAX_COMMENT_CHARS || !withExcerpt) return body.length <= MAX_COMMENT_CHARS ? body : `${body.slice(0, MAX_COMMENT_CHARS - foot.length - 40)}\n\n…(cut to fit GitHub’s limit)\n\n${foot}`;
  }
  return head;
}
