/** The reporters, by `--format` name. */
import { githubReport } from './github-reporter.js';
import { jsonReport } from './json-reporter.js';
import type { ReportInput } from './report-input.js';
import { sarifReport } from './sarif-reporter.js';
import { textReport } from './text-reporter.js';

export type { ReportInput } from './report-input.js';

/** Output formats of `orchestra review --format`. */
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Renders findings in a format. `color` applies to text only. */
export function renderReport(format: ReportFormat, input: ReportInput, options: { color: boolean }): string {
  switch (format) {
    case 'text':
      return textReport(input, { color: options.color });
    case 'json':
      return jsonReport(input);
    case 'sarif':
      return sarifReport(input);
    case 'github':
      return githubReport(input);
  }
}
