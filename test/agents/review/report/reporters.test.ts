import { describe, expect, it } from '@jest/globals';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { renderReport, type ReportInput } from '../../../../agents/review/report/index.js';
import type { Finding } from '../../../../shared/findings/finding.js';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
// The official schema's `language` pattern has a stray `]` that is invalid with the u flag ajv uses by default.
// CommonJS packages: under NodeNext the default import is module.exports, whose .default is the export.
const Ajv = ajvDraft04.default;
const addFormats = ajvFormats.default;
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(schema);

const source = 'const { exec } = require("child_process");\nfunction run(req) {\n  exec("ls " + req.query.dir);\n}\nlet unused = 1;\n';

const findings: Finding[] = [
  {
    ruleId: 'security/command-injection',
    agent: 'security-scanner',
    severity: 'error',
    message: 'Outside data reaches a shell command: ls "%s,: 100%"',
    file: 'src/app dir/run.js',
    range: { start: { line: 3, column: 3 }, end: { line: 3, column: 30 } },
    fingerprint: 'abc123',
    cwe: [78],
    confidence: 0.9,
    help: 'Use execFile with an argument array.',
    evidence: [
      { message: 'source: req.query.dir', file: 'src/app dir/run.js', range: { start: { line: 3, column: 16 }, end: { line: 3, column: 29 } } },
      { message: 'sink: exec', file: 'src/app dir/run.js', range: { start: { line: 3, column: 3 }, end: { line: 3, column: 7 } } },
    ],
    shouldReport: true,
  },
  {
    ruleId: 'eslint/prefer-const',
    agent: 'style-validator',
    severity: 'warning',
    message: "'unused' is never reassigned. Use 'const' instead.",
    file: 'src/app dir/run.js',
    range: { start: { line: 5, column: 5 }, end: { line: 5, column: 11 } },
    fingerprint: 'def456',
    fix: { description: 'Use const', edits: [{ start: 87, end: 90, text: 'const' }] },
    shouldReport: true,
  },
  {
    ruleId: 'security/code-injection',
    agent: 'security-scanner',
    severity: 'error',
    message: 'suppressed one',
    file: 'lib/x.js',
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 5 } },
    fingerprint: 'sup1',
    cwe: [94, 95],
    shouldReport: false,
    suppressed: { by: 'inline', reason: 'trusted input' },
  },
  {
    ruleId: 'complexity/cyclomatic',
    agent: 'complexity-analyzer',
    severity: 'warning',
    message: 'outside the diff',
    file: 'lib/y.js',
    range: { start: { line: 1, column: 1 }, end: { line: 9, column: 1 } },
    fingerprint: 'out1',
    shouldReport: false,
  },
];

const input: ReportInput = {
  root: '/tmp/repo',
  findings,
  source: (file) => (file === 'src/app dir/run.js' ? source : undefined),
  version: '0.1.0',
  filesReviewed: 3,
  timings: [{ agent: 'security-scanner', ms: 12.4, files: 3 }],
};

describe('SARIF reporter', () => {
  const log = JSON.parse(renderReport('sarif', input, { color: false })) as {
    runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[]; suppressions?: unknown[]; codeFlows?: unknown[]; fixes?: unknown[] }[]; tool: { driver: { rules: { id: string; properties: { tags: string[] } }[] } } }[];
  };

  it('validates against the official SARIF 2.1.0 schema', () => {
    const valid = validateSarif(log);
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('tags security rules with external/cwe/cwe-NNN and uses root-relative paths', () => {
    const rules = log.runs[0]!.tool.driver.rules;
    expect(rules.find((r) => r.id === 'security/command-injection')!.properties.tags).toContain('external/cwe/cwe-78');
    expect(rules.find((r) => r.id === 'security/code-injection')!.properties.tags).toEqual(expect.arrayContaining(['external/cwe/cwe-94', 'external/cwe/cwe-95']));
    const uris = log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris).toContain('src/app%20dir/run.js');
    expect(uris.every((u) => !u.startsWith('/') && !u.startsWith('file:'))).toBe(true);
  });

  it('keeps suppressed results marked, drops results outside the diff, carries flows and fixes', () => {
    const results = log.runs[0]!.results;
    expect(results.map((r) => r.ruleId).sort()).toEqual(['eslint/prefer-const', 'security/code-injection', 'security/command-injection']);
    expect(results.find((r) => r.ruleId === 'security/code-injection')!.suppressions).toHaveLength(1);
    expect(results.find((r) => r.ruleId === 'security/command-injection')!.codeFlows).toHaveLength(1);
    expect(results.find((r) => r.ruleId === 'eslint/prefer-const')!.fixes).toHaveLength(1);
  });

  it('the validator is real: a broken log fails it', () => {
    const broken = structuredClone(log) as unknown as { runs: { results: { level?: string }[] }[] };
    broken.runs[0]!.results[0]!.level = 'fatal';
    expect(validateSarif(broken)).toBe(false);
  });

  it('an empty review is still valid SARIF', () => {
    const empty = JSON.parse(renderReport('sarif', { ...input, findings: [] }, { color: false })) as unknown;
    expect(validateSarif(empty)).toBe(true);
  });
});

describe('text, JSON and GitHub reporters', () => {
  it('text groups by file with a code frame and a summary, no colour when not a TTY', () => {
    const text = renderReport('text', input, { color: false });
    expect(text).toContain('src/app dir/run.js');
    expect(text).toMatch(/3:3\s+error\s+Outside data reaches a shell command/);
    expect(text).toContain('> 3 |   exec("ls " + req.query.dir);');
    expect(text).toContain('✖ 2 problems (1 error, 1 warning, 0 info) in 3 files');
    expect(text).toContain('1 suppressed, 1 outside the diff');
    expect(text).not.toContain("\u001b[");
    expect(renderReport("text", input, { color: true })).toContain("\u001b[");
  });

  it('JSON separates findings to act on from suppressed ones', () => {
    const json = JSON.parse(renderReport('json', input, { color: false })) as { summary: Record<string, number>; findings: Finding[]; suppressed: Finding[] };
    expect(json.summary).toMatchObject({ files: 3, errors: 1, warnings: 1, suppressed: 1, outsideDiff: 1 });
    expect(json.findings.map((f) => f.fingerprint)).toEqual(['abc123', 'def456']);
    expect(json.suppressed.map((f) => f.fingerprint)).toEqual(['sup1']);
  });

  it('GitHub annotations escape data and properties', () => {
    const out = renderReport('github', input, { color: false }).trim().split('\n');
    expect(out).toHaveLength(2);
    expect(out[0]).toBe('::error file=src/app dir/run.js,line=3,col=3,endLine=3,endColumn=30,title=security/command-injection::Outside data reaches a shell command: ls "%25s,: 100%25"');
    expect(out[1]).toMatch(/^::warning file=.*title=eslint\/prefer-const::/);
  });
});
