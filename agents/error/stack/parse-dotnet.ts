/**
 * .NET traces (`Exception.ToString()`): the outer header, then each inner exception's header after
 * ` ---> ` (on its own line since .NET Core, on the same line in .NET Framework), then the frames of
 * the innermost exception first, each section closed by `--- End of inner exception stack trace ---`.
 * `--- End of stack trace from previous location ---` only separates async segments of one trace.
 */
import type { ParsedTrace } from '../types.js';
import { findHeader, parseHeaderText, type ErrorHeader } from './error-header.js';
import { matchFrameLine } from './frame-line.js';
import type { ParsedBlock } from './parse-javascript.js';

const INNER_PREFIX = /^\s*---> /;
const END_OF_INNER = /^\s*--- End of inner exception stack trace ---\s*$/;
const END_OF_SEGMENT = /^\s*--- End of stack trace from previous location(?: where exception was thrown)? ---\s*$/;
const MAX_INNER_HEADERS = 20;

function dotnetTrace(header: ErrorHeader | undefined): ParsedTrace {
  const trace: ParsedTrace = { language: 'dotnet', message: header?.message ?? '', frames: [], causes: [] };
  if (header?.errorType) trace.errorType = header.errorType;
  return trace;
}

function headerOf(text: string): ErrorHeader {
  const cleaned = text.replace(/^\(Inner Exception #\d+\) /, '').replace(/<---\s*$/, '');
  return parseHeaderText(cleaned, { dottedNames: true }) ?? { message: cleaned.trim() };
}

/** A .NET trace whose first frame is at `firstFrame`. */
export function parseDotnet(lines: readonly string[], firstFrame: number, floor: number): ParsedBlock {
  // Inner exceptions' headers sit between the outer header and the first frame.
  const innerTexts: string[] = [];
  let top = firstFrame - 1;
  while (top >= floor && innerTexts.length < MAX_INNER_HEADERS && INNER_PREFIX.test(lines[top]!)) {
    innerTexts.unshift(lines[top]!.replace(INNER_PREFIX, ''));
    top--;
  }
  const outer = findHeader(lines, top + 1, floor, { dottedNames: true });
  // .NET Framework puts the chain on the header line itself: `Outer: msg ---> Inner: msg`.
  const outerParts = outer ? lines[outer.index]!.trim().split(' ---> ') : [];
  const chain: ParsedTrace[] = [];
  if (outer && outerParts.length > 1) {
    for (const part of outerParts) chain.push(dotnetTrace(headerOf(part)));
  } else {
    chain.push(dotnetTrace(outer));
  }
  for (const text of innerTexts) chain.push(dotnetTrace(headerOf(text)));

  let section = 0;
  let j = firstFrame;
  while (j < lines.length) {
    const line = lines[j]!;
    const match = matchFrameLine(line);
    if (match?.syntax === 'dotnet') {
      chain[Math.max(0, chain.length - 1 - section)]!.frames.push(match.frame);
    } else if (END_OF_INNER.test(line)) {
      section++;
    } else if (!END_OF_SEGMENT.test(line)) {
      break;
    }
    j++;
  }
  const trace = chain[0]!;
  trace.causes = chain.slice(1).map((cause) => ({ ...cause, link: 'cause' as const }));
  return { trace, end: j };
}
