/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`), which the runner turns into
 * annotations on the run and the pull request. Escaping follows @actions/core's `command.ts`.
 */
import { byLocation, reportable, type ReportInput } from './report-input.js';

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Renders annotations, one line per finding. */
export function githubReport(input: ReportInput): string {
  const lines = reportable(input.findings)
    .sort(byLocation)
    .map((f) => {
      const level = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
      const props = [
        `file=${escapeProperty(f.file)}`,
        `line=${f.range.start.line}`,
        `col=${f.range.start.column}`,
        `endLine=${f.range.end.line}`,
        ...(f.range.end.line === f.range.start.line ? [`endColumn=${f.range.end.column}`] : []),
        `title=${escapeProperty(f.ruleId)}`,
      ];
      return `::${level} ${props.join(',')}::${escapeData(f.message)}`;
    });
  return lines.length ? `${lines.join('\n')}\n` : '';
}
