/**
 * Consensus over what several agents returned: merge findings by fingerprint, and majority votes
 * for classifications. Both are deterministic: the result does not depend on the order in which
 * agents answered (a swarm's arrival order varies run to run). Best-of-N racing is in best-of-n.ts.
 */
import type { Finding, Severity } from '../findings/finding.js';

/** A finding merged from the agents that reported it. */
export interface MergedFinding extends Finding {
  /** Ids of the agents that reported this fingerprint, sorted. */
  agreedBy: string[];
  /** How many reports were merged into this one (an agent may report a fingerprint twice). */
  reports: number;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** Orders reports of one fingerprint: highest severity, then highest confidence, then agent id. */
function strongerFirst(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    (b.confidence ?? 0) - (a.confidence ?? 0) ||
    (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

function byLocation(a: MergedFinding, b: MergedFinding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.column - b.range.start.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0)
  );
}

function merge(group: Finding[]): MergedFinding {
  group.sort(strongerFirst);
  const base = group[0]!;
  const tags = new Set<string>();
  const cwe = new Set<number>();
  const agents = new Set<string>();
  let confidence: number | undefined;
  let inDiff: boolean | undefined;
  for (const f of group) {
    agents.add(f.agent);
    for (const t of f.tags ?? []) tags.add(t);
    for (const c of f.cwe ?? []) cwe.add(c);
    if (f.confidence !== undefined) confidence = Math.max(confidence ?? 0, f.confidence);
    if (f.inDiff !== undefined) inDiff = (inDiff ?? false) || f.inDiff;
  }
  const merged: MergedFinding = { ...base, agreedBy: [...agents].sort(), reports: group.length };
  // The strongest report leads; what it lacks (a fix, help, evidence) comes from the next that has it.
  for (const key of ['fix', 'suggestions', 'help', 'helpUrl', 'evidence'] as const) {
    if (merged[key] === undefined) {
      const donor = group.find((f) => f[key] !== undefined);
      if (donor) Object.assign(merged, { [key]: donor[key] });
    }
  }
  if (tags.size > 0) merged.tags = [...tags].sort();
  if (cwe.size > 0) merged.cwe = [...cwe].sort((a, b) => a - b);
  if (confidence !== undefined) merged.confidence = confidence;
  if (inDiff !== undefined) merged.inDiff = inDiff;
  return merged;
}

/**
 * Merges findings from several agents, one per fingerprint: the highest severity wins (its message
 * and location lead), tags and CWE ids are united, confidence is the maximum, and `agreedBy` lists
 * the agents that reported it. Sorted by file, line, column, rule.
 */
export function mergeFindings(findings: Iterable<Finding>): MergedFinding[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const group = groups.get(f.fingerprint);
    if (group) group.push(f);
    else groups.set(f.fingerprint, [f]);
  }
  const merged: MergedFinding[] = [];
  for (const group of groups.values()) merged.push(merge(group));
  return merged.sort(byLocation);
}

/** A label a vote may carry. */
export type Label = string | number | boolean;

/** One agent's vote. */
export interface Vote<L extends Label> {
  voter: string;
  label: L;
}

/** Votes for one label. */
export interface VoteTally<L extends Label> {
  label: L;
  count: number;
  /** Who voted for it, sorted. */
  voters: string[];
}

/** The outcome of {@link majorityVote}. */
export interface VoteResult<L extends Label> {
  /** The label with the most votes (ties broken as documented), or undefined with no votes. */
  winner: L | undefined;
  /** Every label with its count, winner first, then by count and the tie-break order. */
  counts: VoteTally<L>[];
  /** Number of votes counted. */
  total: number;
  /** True when another label had as many votes as the winner (the tie-break decided). */
  tie: boolean;
  /** True when the winner has more than half of the votes. */
  majority: boolean;
}

/** Options of {@link majorityVote}. */
export interface VoteOptions<L extends Label> {
  /**
   * Tie-break order: among labels with equal counts, the one earlier here wins (e.g. prefer
   * `"vulnerable"` over `"safe"` to err on the cautious side). Labels not listed come after,
   * ordered by their string form.
   */
  prefer?: readonly L[];
}

/**
 * Counts votes per label. Each voter counts once: a voter's later votes are ignored, and which
 * vote is "first" is the caller's order (a swarm's `completed` list is in task order).
 */
export function majorityVote<L extends Label>(votes: Iterable<Vote<L>>, options: VoteOptions<L> = {}): VoteResult<L> {
  const tallies = new Map<L, VoteTally<L>>();
  const seen = new Set<string>();
  for (const { voter, label } of votes) {
    if (seen.has(voter)) continue;
    seen.add(voter);
    const tally = tallies.get(label);
    if (tally) {
      tally.count++;
      tally.voters.push(voter);
    } else {
      tallies.set(label, { label, count: 1, voters: [voter] });
    }
  }
  const prefer = options.prefer ?? [];
  const rank = (label: L): number => {
    const i = prefer.indexOf(label);
    return i === -1 ? prefer.length : i;
  };
  const counts = [...tallies.values()].sort((a, b) => {
    const byCount = b.count - a.count || rank(a.label) - rank(b.label);
    if (byCount !== 0) return byCount;
    const sa = `${typeof a.label}:${String(a.label)}`;
    const sb = `${typeof b.label}:${String(b.label)}`;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
  for (const t of counts) t.voters.sort();
  const top = counts[0];
  return {
    winner: top?.label,
    counts,
    total: seen.size,
    tie: counts.length > 1 && counts[1]!.count === top!.count,
    majority: top !== undefined && top.count * 2 > seen.size,
  };
}

/** A completed task's output as a swarm reports it. */
export interface TaskOutput<R> {
  taskId: string;
  agentId: string;
  output: R;
}

/**
 * One vote per task: groups outputs by task (replicas of a task went to different agents), maps
 * each to a label with `labelOf`, and runs {@link majorityVote} per task. Keys follow task order.
 */
export function voteByTask<R, L extends Label>(
  outputs: Iterable<TaskOutput<R>>,
  labelOf: (output: R) => L,
  options: VoteOptions<L> = {},
): Map<string, VoteResult<L>> {
  const byTask = new Map<string, Vote<L>[]>();
  for (const o of outputs) {
    const votes = byTask.get(o.taskId) ?? [];
    votes.push({ voter: o.agentId, label: labelOf(o.output) });
    byTask.set(o.taskId, votes);
  }
  const results = new Map<string, VoteResult<L>>();
  for (const [taskId, votes] of byTask) results.set(taskId, majorityVote(votes, options));
  return results;
}
