/** The JSON report: a stable, documented shape for scripts. */
import type { Finding } from '../../../shared/findings/finding.js';
import { byLocation, reportable, type ReportInput } from './report-input.js';

/** Shape of `--format json`. */
export interface JsonReport {
  tool: 'orchestra';
  version: string;
  root: string;
  summary: { files: number; errors: number; warnings: number; infos: number; suppressed: number; outsideDiff: number };
  /** Findings to act on. */
  findings: Finding[];
  /** Findings that were suppressed (inline, config, baseline), with why. */
  suppressed: Finding[];
  notices: string[];
  timings: ReportInput['timings'];
}

/** Renders the JSON report. */
export function jsonReport(input: ReportInput): string {
  const shown = reportable(input.findings).sort(byLocation);
  const report: JsonReport = {
    tool: 'orchestra',
    version: input.version,
    root: input.root,
    summary: {
      files: input.filesReviewed,
      errors: shown.filter((f) => f.severity === 'error').length,
      warnings: shown.filter((f) => f.severity === 'warning').length,
      infos: shown.filter((f) => f.severity === 'info').length,
      suppressed: input.findings.filter((f) => f.suppressed).length,
      outsideDiff: input.findings.filter((f) => !f.suppressed && f.shouldReport === false).length,
    },
    findings: shown,
    suppressed: input.findings.filter((f) => f.suppressed).sort(byLocation),
    notices: input.notices ?? [],
    timings: input.timings ?? [],
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
