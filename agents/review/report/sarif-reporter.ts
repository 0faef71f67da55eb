/**
 * SARIF 2.1.0 (validated in tests against the official schema, sarif-2.1.0-rtm.5). Follows GitHub
 * code scanning's conventions: security rules carry `external/cwe/cwe-NNN` tags and a
 * `security-severity`; paths are relative to the scanned root (`%SRCROOT%`); every result has a
 * `partialFingerprints` entry so alerts are tracked across runs; suppressed findings are kept with
 * a `suppressions` entry rather than dropped.
 */
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { pathToFileURL } from 'node:url';
import type { Finding } from '../../../shared/findings/finding.js';
import { byLocation, type ReportInput } from './report-input.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;
const SECURITY_SEVERITY = { error: '8.0', warning: '5.5', info: '2.0' } as const;

function tagsOf(f: Finding): string[] {
  const tags = new Set(f.tags ?? []);
  for (const cwe of f.cwe ?? []) tags.add(`external/cwe/cwe-${cwe}`);
  if (f.cwe?.length) tags.add('security');
  return [...tags].sort();
}

function ruleOf(f: Finding): ReportingDescriptor {
  const tags = tagsOf(f);
  const rule: ReportingDescriptor = {
    id: f.ruleId,
    name: f.ruleId.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ? ch.toUpperCase() : '')),
    shortDescription: { text: f.ruleId },
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: { tags, ...(f.cwe?.length ? { 'security-severity': SECURITY_SEVERITY[f.severity] } : {}) },
  };
  if (f.help) rule.help = { text: f.help };
  if (f.helpUrl) rule.helpUri = f.helpUrl;
  return rule;
}

function region(f: Finding['range']) {
  return { startLine: f.start.line, startColumn: f.start.column, endLine: f.end.line, endColumn: Math.max(f.end.column, 1) };
}

/** Renders a SARIF log. Findings outside the diff filter are left out; suppressed ones are kept, marked. */
export function sarifReport(input: ReportInput): string {
  const findings = input.findings.filter((f) => f.shouldReport !== false || f.suppressed !== undefined).sort(byLocation);
  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const results: Result[] = findings.map((f) => {
    let index = ruleIndex.get(f.ruleId);
    if (index === undefined) {
      index = rules.push(ruleOf(f)) - 1;
      ruleIndex.set(f.ruleId, index);
    }
    const location = { artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' }, region: region(f.range) };
    const result: Result = {
      ruleId: f.ruleId,
      ruleIndex: index,
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: location }],
      partialFingerprints: { 'orchestraFingerprint/v1': f.fingerprint },
      properties: { agent: f.agent, tags: tagsOf(f), ...(f.confidence !== undefined ? { confidence: f.confidence } : {}) },
    };
    if (f.evidence?.length) {
      result.codeFlows = [
        {
          threadFlows: [
            {
              locations: f.evidence.map((step) => ({
                location: {
                  physicalLocation: { artifactLocation: { uri: encodeURI(step.file), uriBaseId: '%SRCROOT%' }, region: region(step.range) },
                  message: { text: step.message },
                },
              })),
            },
          ],
        },
      ];
    }
    if (f.fix) {
      result.fixes = [
        {
          description: { text: f.fix.description },
          artifactChanges: [
            {
              artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' },
              replacements: f.fix.edits.map((e) => ({
                deletedRegion: { charOffset: e.start, charLength: e.end - e.start },
                insertedContent: { text: e.text },
              })),
            },
          ],
        },
      ];
    }
    if (f.suppressed) {
      result.suppressions = [
        { kind: f.suppressed.by === 'inline' ? 'inSource' : 'external', status: 'accepted', ...(f.suppressed.reason ? { justification: f.suppressed.reason } : {}) },
      ];
    }
    return result;
  });
  const root = pathToFileURL(input.root).href;
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Orchestra',
            semanticVersion: input.version,
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: root.endsWith('/') ? root : `${root}/` } },
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
