import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { FileChange } from '../../../agents/review/diff/parse-unified-diff.js';
import { draftInlineComments, fingerprintOfComment, MAX_INLINE_COMMENTS, suggestionFor } from '../../../github-app/report/inline-comments.js';
import type { Finding } from '../../../shared/findings/finding.js';

const text = 'const a = 1;\nif (!!a) {\n  run();\n}\n';
const finding = (over: Partial<Finding> = {}): Finding => ({
  ruleId: 'eslint/no-extra-boolean-cast', agent: 'style-validator', severity: 'error', message: 'Redundant double negation.', file: 'a.js',
  range: { start: { line: 2, column: 5 }, end: { line: 2, column: 8 } }, fingerprint: 'aaaaaaaaaaaaaaaa',
  fix: { description: 'Remove !!', edits: [{ start: text.indexOf('!!a'), end: text.indexOf('!!a') + 3, text: 'a' }] }, ...over,
});
const change = (added: number[], context = added): FileChange => ({ path: 'a.js', status: 'modified', added: new Set(added), context: new Set(context) });

describe('inline review comments', () => {
  it('turns a fix into a suggestion block replacing whole lines', () => {
    expect(suggestionFor(text, finding().fix!)).toEqual({ startLine: 2, endLine: 2, replacement: 'if (a) {' });
    const { comments } = draftInlineComments([finding()], new Map([['a.js', change([2])]]), () => text, new Set());
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ path: 'a.js', line: 2, side: 'RIGHT' });
    expect(comments[0]!.body).toContain('```suggestion\nif (a) {\n```');
    expect(fingerprintOfComment(comments[0]!.body)).toBe('aaaaaaaaaaaaaaaa');
  });

  it('uses a longer fence when the replacement contains backticks, and multi-line ranges', () => {
    const src = 'const s = `a`;\nconst t = 1;\n';
    const fix = { description: 'x', edits: [{ start: 0, end: src.length - 1, text: 'const s = ```;\nconst t = 2;' }] };
    const s = suggestionFor(src, fix)!;
    expect(s).toMatchObject({ startLine: 1, endLine: 2 });
    const { comments } = draftInlineComments([finding({ file: 'b.js', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } }, fix })], new Map([['b.js', { ...change([1, 2]), path: 'b.js' }]]), () => src, new Set());
    expect(comments[0]).toMatchObject({ start_line: 1, line: 2 });
    expect(comments[0]!.body).toContain('````suggestion');
  });

  it('comments only on added lines, never twice, and without a suggestion when the fix leaves the diff', () => {
    const diff = new Map([['a.js', change([2], [2])]]);
    expect(draftInlineComments([finding({ range: { start: { line: 3, column: 1 }, end: { line: 3, column: 2 } } })], diff, () => text, new Set()).comments).toHaveLength(0);
    expect(draftInlineComments([finding()], diff, () => text, new Set(['aaaaaaaaaaaaaaaa'])).comments).toHaveLength(0);
    const wide = finding({ fix: { description: 'x', edits: [{ start: 0, end: text.indexOf('run'), text: '' }] } });
    const { comments } = draftInlineComments([wide], diff, () => text, new Set());
    expect(comments[0]!.body).not.toContain('suggestion\n');
  });

  it('caps a review at the maximum and counts the rest', () => {
    const many = Array.from({ length: MAX_INLINE_COMMENTS + 5 }, (_, i) => finding({ fingerprint: i.toString(16).padStart(16, '0'), fix: undefined }));
    const { comments, skipped } = draftInlineComments(many, new Map([['a.js', change([2])]]), () => text, new Set());
    expect(comments).toHaveLength(MAX_INLINE_COMMENTS);
    expect(skipped).toBe(5);
  });

  it('rejects unusable edits (out of range, overlapping) instead of suggesting garbage', () => {
    fc.assert(fc.property(fc.array(fc.record({ start: fc.integer({ min: -5, max: 60 }), end: fc.integer({ min: -5, max: 60 }), text: fc.string({ maxLength: 5 }) }), { maxLength: 4 }), (edits) => {
      const s = suggestionFor(text, { description: 'x', edits });
      if (s) {
        expect(s.startLine).toBeGreaterThanOrEqual(1);
        expect(s.endLine).toBeGreaterThanOrEqual(s.startLine);
      }
    }), { numRuns: 500 });
  });
});
