/**
 * Structural ReDoS analysis of a parsed regex. Two shapes are reported:
 * - exponential: a repeated group whose body can end (or start) with another unbounded repetition
 *   of characters that can also begin (or end) the body — `(a+)+`, `(\w+\s?)+` — or whose
 *   alternatives can match the same text — `(?:__|[\s\S])+`, `(\r\n|\r|\n)+`;
 * - polynomial: two unbounded repetitions of overlapping characters next to each other —
 *   `\d+\.?\d+`, `\s*(.*)` — or an unbounded repetition right before `$` in a pattern that is not
 *   anchored at the start — `\s+$` (each start position rescans the run: quadratic).
 */
import { CharSet, parseRegex, type RegexFlags, type RegexNode } from './regex-parser.js';

/** The verdict on one pattern. */
export interface RedosVerdict {
  kind: 'exponential' | 'polynomial';
  /** True when the pattern is anchored at the start, so a failing match costs one attempt, not one per position. */
  anchored: boolean;
  /** Human-readable reason naming the ambiguous part. */
  reason: string;
}

/** Repetitions with a larger upper bound count as unbounded. */
const LARGE = 20;

type Quant = Extract<RegexNode, { t: 'quant' }>;

const unbounded = (q: Quant): boolean => q.max > LARGE;

function nullable(n: RegexNode): boolean {
  switch (n.t) {
    case 'alt': return n.alts.some(nullable);
    case 'seq': return n.items.every(nullable);
    case 'char': return false;
    case 'quant': return n.min === 0 || nullable(n.body);
    case 'group': return nullable(n.body);
    case 'assert': return true;
    case 'backref': return true;
  }
}

/** Like {@link nullable}, but an alternative that can only be empty by matching `$` does not count. */
function nullableBeforeEnd(n: RegexNode): boolean {
  switch (n.t) {
    case 'alt': return n.alts.some(nullableBeforeEnd);
    case 'seq': return n.items.every(nullableBeforeEnd);
    case 'quant': return n.min === 0 || nullableBeforeEnd(n.body);
    case 'group': return nullableBeforeEnd(n.body);
    case 'assert': return n.kind !== 'end';
    default: return nullable(n);
  }
}

/** Characters that can start a match of the node. */
function first(n: RegexNode, out = new CharSet()): CharSet {
  switch (n.t) {
    case 'alt': for (const a of n.alts) first(a, out); break;
    case 'seq':
      for (const item of n.items) {
        first(item, out);
        if (!nullable(item)) break;
      }
      break;
    case 'char': out.addSet(n.set); break;
    case 'quant':
    case 'group': first(n.body, out); break;
    default:
  }
  return out;
}

/** Characters that can end a match of the node. */
function last(n: RegexNode, out = new CharSet()): CharSet {
  switch (n.t) {
    case 'alt': for (const a of n.alts) last(a, out); break;
    case 'seq':
      for (let k = n.items.length - 1; k >= 0; k--) {
        last(n.items[k]!, out);
        if (!nullable(n.items[k]!)) break;
      }
      break;
    case 'char': out.addSet(n.set); break;
    case 'quant':
    case 'group': last(n.body, out); break;
    default:
  }
  return out;
}

/** Every character the node can consume. */
function chars(n: RegexNode, out = new CharSet()): CharSet {
  switch (n.t) {
    case 'alt': for (const a of n.alts) chars(a, out); break;
    case 'seq': for (const item of n.items) chars(item, out); break;
    case 'char': out.addSet(n.set); break;
    case 'quant':
    case 'group': chars(n.body, out); break;
    default:
  }
  return out;
}

/** Unbounded repetitions that can be the last thing the node matches. */
function tailQuants(n: RegexNode, out: Quant[] = []): Quant[] {
  switch (n.t) {
    case 'alt': for (const a of n.alts) tailQuants(a, out); break;
    case 'seq':
      for (let k = n.items.length - 1; k >= 0; k--) {
        const item = n.items[k]!;
        // after a non-multiline $ nothing more can be matched: what precedes it cannot loop around
        if (item.t === 'assert' && item.kind === 'end') break;
        tailQuants(item, out);
        if (!nullableBeforeEnd(item)) break;
      }
      break;
    case 'quant':
      if (unbounded(n)) out.push(n);
      tailQuants(n.body, out);
      break;
    case 'group': tailQuants(n.body, out); break;
    default:
  }
  return out;
}

/** Unbounded repetitions that can be the first thing the node matches. */
function headQuants(n: RegexNode, out: Quant[] = []): Quant[] {
  switch (n.t) {
    case 'alt': for (const a of n.alts) headQuants(a, out); break;
    case 'seq':
      for (const item of n.items) {
        headQuants(item, out);
        if (!nullable(item)) break;
      }
      break;
    case 'quant':
      if (unbounded(n)) out.push(n);
      headQuants(n.body, out);
      break;
    case 'group': headQuants(n.body, out); break;
    default:
  }
  return out;
}

/** A fixed-length branch as its per-position character sets, or undefined. */
function fixedSequence(n: RegexNode): CharSet[] | undefined {
  if (n.t === 'char') return [n.set];
  if (n.t === 'group') return fixedSequence(n.body);
  if (n.t === 'seq') {
    const out: CharSet[] = [];
    for (const item of n.items) {
      if (item.t === 'assert') continue;
      const f = fixedSequence(item);
      if (!f) return undefined;
      out.push(...f);
      if (out.length > 8) return undefined;
    }
    return out;
  }
  return undefined;
}

function alternatives(n: RegexNode): RegexNode[] | undefined {
  if (n.t === 'alt') return n.alts;
  if (n.t === 'group') return alternatives(n.body);
  if (n.t === 'seq' && n.items.length === 1) return alternatives(n.items[0]!);
  return undefined;
}

/** True when two alternatives of a repeated group can match the same text. */
function ambiguousAlternatives(alts: RegexNode[]): boolean {
  const fixed = alts.map(fixedSequence);
  const singles = new CharSet();
  for (const f of fixed) if (f?.length === 1) singles.addSet(f[0]!);
  for (let x = 0; x < fixed.length; x++) {
    const fx = fixed[x];
    if (!fx || fx.length === 0) continue;
    for (let y = x + 1; y < fixed.length; y++) {
      const fy = fixed[y];
      if (fy && fy.length === fx.length && fx.every((s, k) => s.overlaps(fy[k]!))) return true;
    }
    if (fx.length > 1 && fx.every((s) => s.overlaps(singles))) return true;
  }
  return false;
}

function visitQuants(n: RegexNode, fn: (q: Quant) => void): void {
  switch (n.t) {
    case 'alt': n.alts.forEach((a) => visitQuants(a, fn)); break;
    case 'seq': n.items.forEach((a) => visitQuants(a, fn)); break;
    case 'quant': fn(n); visitQuants(n.body, fn); break;
    case 'group': visitQuants(n.body, fn); break;
    default:
  }
}

/** True when matching can fail within these items (a non-empty item or an assertion). */
function canFail(items: readonly RegexNode[]): boolean {
  return items.some((i) => !nullable(i) || (i.t === 'assert' && i.kind !== 'start') || i.t === 'backref');
}

/**
 * Visits every sequence with whether the match can still fail after it: adjacent repetitions
 * only cost time when something after them can fail and force backtracking.
 */
function visitSeqs(n: RegexNode, fn: (s: Extract<RegexNode, { t: 'seq' }>, followCanFail: boolean) => void, follow = false): void {
  switch (n.t) {
    case 'alt': n.alts.forEach((a) => visitSeqs(a, fn, follow)); break;
    case 'seq':
      fn(n, follow);
      n.items.forEach((a, k) => visitSeqs(a, fn, follow || canFail(n.items.slice(k + 1))));
      break;
    case 'quant': visitSeqs(n.body, fn, true); break;
    case 'group': visitSeqs(n.body, fn, follow); break;
    default:
  }
}

function exponential(root: RegexNode): string | undefined {
  let reason: string | undefined;
  visitQuants(root, (q) => {
    if (reason || !unbounded(q)) return;
    const f = first(q.body);
    const l = last(q.body);
    for (const inner of tailQuants(q.body)) {
      if (inner !== q && chars(inner.body).overlaps(f)) {
        reason = 'a repeated group ends with a repetition that can also start the group (nested quantifiers)';
        return;
      }
    }
    for (const inner of headQuants(q.body)) {
      if (inner !== q && chars(inner.body).overlaps(l)) {
        reason = 'a repeated group starts with a repetition that can also end the group (nested quantifiers)';
        return;
      }
    }
    const alts = alternatives(q.body);
    if (alts && ambiguousAlternatives(alts)) reason = 'a repeated group has alternatives that match the same text';
  });
  return reason;
}

/** Unbounded (`*`, `+`, `{n,}`) repetitions only: a bounded one cannot make the match super-linear. */
const infinite = (q: Quant): boolean => q.max === Infinity;

function polynomial(root: RegexNode): string | undefined {
  let reason: string | undefined;
  visitSeqs(root, (seq, followCanFail) => {
    if (reason) return;
    const items = seq.items;
    for (let x = 0; x < items.length && !reason; x++) {
      const a = items[x]!;
      const tails = a.t === 'quant' && infinite(a) ? [a] : tailQuants(a).filter(infinite);
      if (tails.length === 0) continue;
      const ca = new CharSet();
      for (const q of tails) chars(q.body, ca);
      for (let y = x + 1; y < items.length; y++) {
        const b = items[y]!;
        const heads = b.t === 'quant' && infinite(b) ? [b] : headQuants(b).filter(infinite);
        const hit = heads.find((q) => first(q.body).overlaps(ca));
        // it costs time only if the match can still fail afterwards: something later, or `b` itself
        // needing characters that the first repetition may have taken
        if (hit && (followCanFail || canFail(items.slice(y + 1)) || (!nullable(b) && !ca.subsetOf(chars(hit.body))))) {
          reason = 'two adjacent repetitions can match the same characters';
          return;
        }
        if (!nullable(b)) break;
      }
    }
  });
  return reason;
}

/** True when every alternative starts with `^` (one match attempt instead of one per position). */
function anchoredStart(root: RegexNode): boolean {
  const branches = root.t === 'alt' ? root.alts : [root];
  return branches.every((b) => {
    let n: RegexNode | undefined = b;
    while (n && (n.t === 'seq' || n.t === 'group')) n = n.t === 'seq' ? n.items[0] : n.body;
    return n?.t === 'assert' && n.kind === 'start';
  });
}

function trailingRun(root: RegexNode, flags: RegexFlags): string | undefined {
  if (flags.multiline) return undefined;
  const branches = root.t === 'alt' ? root.alts : [root];
  for (const b of branches) {
    if (b.t !== 'seq' || b.items.length < 2) continue;
    if (b.items[0]?.t === 'assert' && b.items[0].kind === 'start') continue;
    const lastItem = b.items[b.items.length - 1]!;
    const before = b.items[b.items.length - 2]!;
    if (lastItem.t === 'assert' && lastItem.kind === 'end' && before.t === 'quant' && infinite(before) && b.items.length === 2) {
      return 'an unanchored repetition before $ rescans the input from every start position';
    }
  }
  return undefined;
}

/** Analyses a pattern. Returns undefined when it looks safe or cannot be parsed. */
export function analyzeRedos(pattern: string, flags: RegexFlags): RedosVerdict | undefined {
  if (pattern.length > 5000) return undefined;
  let root: RegexNode;
  try {
    root = parseRegex(pattern, flags);
  } catch {
    return undefined;
  }
  const anchored = anchoredStart(root) && !flags.multiline;
  const exp = exponential(root);
  if (exp) return { kind: 'exponential', reason: exp, anchored };
  const trailing = trailingRun(root, flags);
  if (trailing) return { kind: 'polynomial', reason: trailing, anchored: false };
  const poly = polynomial(root);
  if (poly) return { kind: 'polynomial', reason: poly, anchored };
  return undefined;
}
