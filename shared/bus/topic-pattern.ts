/**
 * Topic patterns: dot-separated segments; `*` matches exactly one segment, `**` matches one or more
 * segments. A lone `*` or `**` matches every topic (the "firehose" subscription).
 * Matching runs only when the bus builds its routing cache for a topic it has not routed before.
 */
import { InvalidInputError } from '../errors/errors.js';

/** A compiled pattern. */
export interface TopicMatcher {
  readonly pattern: string;
  /** True when the pattern has no wildcard. */
  readonly exact: boolean;
  matches(topic: string): boolean;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Compiles a pattern, rejecting malformed ones (empty segments, `a*b`, `***`) with a clear message. */
export function compileTopicPattern(pattern: string): TopicMatcher {
  if (pattern === '*' || pattern === '**') return { pattern, exact: false, matches: () => true };
  const segments = pattern.split('.');
  for (const segment of segments) {
    if (segment !== '*' && segment !== '**' && !SEGMENT.test(segment)) {
      throw new InvalidInputError(
        `Invalid topic pattern "${pattern}": segment "${segment}" must be letters, digits, "_" or "-", or a whole-segment "*" / "**".`,
      );
    }
  }
  if (!segments.some((s) => s === '*' || s === '**')) {
    return { pattern, exact: true, matches: (topic) => topic === pattern };
  }
  return { pattern, exact: false, matches: (topic) => matchSegments(segments, 0, topic.split('.'), 0) };
}

function matchSegments(pattern: readonly string[], pi: number, topic: readonly string[], ti: number): boolean {
  for (; pi < pattern.length; pi++, ti++) {
    const p = pattern[pi]!;
    if (p === '**') {
      // One or more segments: try every split point.
      for (let take = 1; ti + take <= topic.length; take++) {
        if (matchSegments(pattern, pi + 1, topic, ti + take)) return true;
      }
      return false;
    }
    if (ti >= topic.length) return false;
    if (p !== '*' && p !== topic[ti]) return false;
  }
  return ti === topic.length;
}
