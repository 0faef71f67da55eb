/**
 * The fix-suggester on hostile and arbitrary input: it never throws, stays fast on huge messages,
 * gives nothing (not filler) for errors it does not know, and every regex in it matches in linear
 * time (checked with redos-detector on the literals found in the source, so a new one cannot skip it).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isSafe } from 'redos-detector';
import ts from 'typescript';
import { KNOWLEDGE_BASE, suggestFixes } from '../../../../agents/error/fix/index.js';
import { REPO_ROOT } from './real-failures.js';

const KNOWN_MESSAGES = [
  "TypeError: Cannot read properties of undefined (reading 'name')",
  "Error: Cannot find module 'lodash'",
  'Error: listen EADDRINUSE: address already in use :::3000',
  "error TS2339: Property 'email' does not exist on type 'User'.",
  'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
  'expect(received).toBe(expected) // Object.is equality\n\nExpected: 3\nReceived: 2',
];

describe('the knowledge base', () => {
  it('has unique ids, a confidence in 0..1, a title, a description and patterns for every rule', () => {
    const ids = KNOWLEDGE_BASE.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of KNOWLEDGE_BASE) {
      expect(rule.confidence).toBeGreaterThan(0);
      expect(rule.confidence).toBeLessThanOrEqual(1);
      expect(rule.title.length).toBeGreaterThan(0);
      expect(rule.covers.length).toBeGreaterThan(0);
      expect(rule.matcher.message.length).toBeGreaterThan(0);
    }
  });

  it('covers the failures the issue lists', () => {
    const ids = new Set(KNOWLEDGE_BASE.map((rule) => rule.id));
    for (const id of [
      'undefined-property', 'none-attribute', 'null-pointer', 'not-a-function', 'module-not-found', 'esm-missing-extension',
      'python-module-not-found', 'ts2307', 'econnrefused', 'eaddrinuse', 'enoent', 'permission-denied', 'heap-out-of-memory',
      'unhandled-rejection', 'jest-expect', 'node-assert', 'python-assertion', 'ts2304', 'ts2322', 'ts2339', 'ts2345', 'ts7006',
      'ts18048', 'ts2532', 'require-in-esm', 'import-in-cjs', 'require-esm', 'exports-in-esm', 'dirname-in-esm', 'test-timeout',
      'stack-overflow', 'json-parse', 'fetch-failed', 'invalid-arg-type',
    ]) {
      expect(ids).toContain(id);
    }
  });
});

describe('no generic filler', () => {
  it.each([
    'Something went wrong',
    'Error: boom',
    'Build failed with 3 errors',
    'npm ERR! code E401',
    'warning: LF will be replaced by CRLF',
    '',
    '   ',
  ])('%j gets no suggestion', (message) => {
    expect(suggestFixes({ error: { message } })).toEqual([]);
  });
});

describe('hostile input', () => {
  it('a 100 KB message with control characters and ANSI colours: no throw, quick, still understood', () => {
    const junk = '\u0000\u0007\u001b[31m\u001b]8;;http://x\u0007\r\u2028'.repeat(1_000);
    const message = `\u001b[31mTypeError\u001b[39m: Cannot read properties of undefined (reading 'name')\r\n${junk}${'x'.repeat(100_000)}`;
    const started = performance.now();
    const result = suggestFixes({ error: { message }, codeLine: `\u0000const n = user.profile.name;${'\u0001'.repeat(5000)}` });
    const elapsed = performance.now() - started;
    expect(result[0]?.rule).toBe('undefined-property');
    expect(result[0]?.detail).toContain('`user.profile?.name`');
    expect(elapsed).toBeLessThan(2_000); // a bound against super-linear behaviour, not a speed claim
  });

  it('long runs of the characters each pattern repeats finish quickly', () => {
    const runs = ['a'.repeat(100_000), "'".repeat(100_000), ' '.repeat(100_000), ':'.repeat(100_000), 'Cannot find module \''.repeat(5_000), 'assert '.repeat(20_000), `${'a.'.repeat(50_000)}x is not a function`];
    const started = performance.now();
    for (const message of runs) suggestFixes({ error: { message }, codeLine: message.slice(0, 5000) });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('backticks and newlines in captured identifiers cannot break the inline code', () => {
    const [s] = suggestFixes({ error: { message: "TypeError: Cannot read properties of undefined (reading 'a`b')" }, codeLine: "x['a`b']" });
    expect(s?.detail).toContain('`` x?.["a`b"] ``');
  });

  it('non-string fields and odd shapes are tolerated', () => {
    const odd = [
      { error: { message: 42 } },
      { error: null },
      { error: { message: "Cannot find module 'x'", errorType: 7, kind: {}, format: [] } },
      { error: { message: "Cannot read properties of undefined (reading 'x')" }, fault: { file: 3 }, codeLine: 5 },
      null,
    ];
    for (const input of odd) expect(() => suggestFixes(input as never)).not.toThrow();
  });

  it('never throws, and returns sorted, bounded suggestions (fast-check)', () => {
    const pieces = fc.constantFrom(...KNOWN_MESSAGES, "'", '"', '`', '(', ')', '[', ']', '.', '?.', ' is not a function', ' of undefined', '\n', '\u0000', '\u001b[', 'E   assert ', ':::', '::1:', ' imported from ');
    const message = fc.oneof(fc.string({ maxLength: 400 }), fc.array(pieces, { maxLength: 30 }).map((p) => p.join('')), fc.string({ unit: 'binary', maxLength: 200 }));
    const codeLine = fc.option(fc.oneof(fc.string({ maxLength: 200 }), fc.array(fc.constantFrom('user', '.', '?.', 'profile', 'name', '(', ')', '[', ']', "'", '0', ' ', 'await ', 'expect(', '=', '{', '}'), { maxLength: 40 }).map((p) => p.join(''))), { nil: undefined });
    fc.assert(
      fc.property(message, codeLine, fc.option(fc.integer({ min: -5, max: 500 }), { nil: undefined }), (m, line, column) => {
        const result = suggestFixes({ error: { message: m }, ...(line !== undefined ? { codeLine: line } : {}), fault: { file: 'a.js', line: 1, ...(column !== undefined ? { column } : {}), via: 'stack' } });
        for (let i = 0; i < result.length; i++) {
          const s = result[i];
          expect(s?.confidence).toBeGreaterThanOrEqual(0);
          expect(s?.confidence).toBeLessThanOrEqual(1);
          expect(s?.detail.length).toBeGreaterThan(0);
          expect(s?.detail.length).toBeLessThan(2_000);
          if (i > 0) expect((result[i - 1]?.confidence ?? 0) >= (s?.confidence ?? 0)).toBe(true);
        }
        expect(new Set(result.map((s) => s.rule)).size).toBe(result.length);
      }),
      { numRuns: 1_500 },
    );
  });
});

describe('regular expressions of the fix-suggester', () => {
  const folder = join(REPO_ROOT, 'agents', 'error', 'fix');
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
  const literals = files.flatMap((name) => {
    const source = ts.createSourceFile(name, readFileSync(join(folder, name), 'utf8'), ts.ScriptTarget.Latest);
    const found: { file: string; text: string }[] = [];
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) found.push({ file: name, text: node.getText(source) });
      node.forEachChild(visit);
    };
    visit(source);
    return found;
  });

  it('finds them', () => {
    expect(literals.length).toBeGreaterThan(100);
  });

  // As in shared/governance: per start position, no regex may backtrack unboundedly. Either every
  // quantifier is bounded (constant work per start; inputs are bounded too, see normalize-message.ts),
  // or redos-detector proves there is one way to match.
  it.each(literals.map((literal) => [literal.file, literal.text]))('%s %s is linear', (_file, text) => {
    const slash = text.lastIndexOf('/');
    const source = text.slice(1, slash);
    const skeleton = source.replace(/\\./g, '').replace(/\[[^\]]*\]/g, '');
    if (!/[*+]|\{\d+,\}/.test(skeleton)) return; // all quantifiers bounded
    const pattern = new RegExp(`^(?:${source.replace(/\(\?<(?![=!])\w+>/g, '(?:')})`, text.slice(slash + 1).replace('g', ''));
    const result = isSafe(pattern, { maxScore: 10 });
    expect({ pattern: text, safe: result.safe }).toEqual({ pattern: text, safe: true });
  });
});
