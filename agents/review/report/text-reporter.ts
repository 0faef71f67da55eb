/**
 * The terminal report: findings grouped by file, with severity, position, rule and a code frame;
 * coloured when writing to a TTY (picocolors; NO_COLOR is honoured by it).
 */
import { codeFrameColumns } from '@babel/code-frame';
import pc from 'picocolors';
import type { Finding } from '../../../shared/findings/finding.js';
import { byLocation, reportable, type ReportInput } from './report-input.js';

/** Options for the text report. */
export interface TextReportOptions {
  color: boolean;
  /** Show code frames (default true; frames are skipped for lines over 500 characters). */
  codeFrames?: boolean;
}

/** Renders the text report. */
export function textReport(input: ReportInput, options: TextReportOptions): string {
  const c = pc.createColors(options.color);
  const shown = reportable(input.findings).sort(byLocation);
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of shown) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  for (const [file, findings] of byFile) {
    out.push('', c.underline(file));
    const source = options.codeFrames === false ? undefined : input.source(file);
    for (const f of findings) {
      const sev = f.severity === 'error' ? c.red('error  ') : f.severity === 'warning' ? c.yellow('warning') : c.blue('info   ');
      const pos = c.dim(`${f.range.start.line}:${f.range.start.column}`.padEnd(8));
      const fix = f.fix ? c.green(' (fixable)') : '';
      out.push(`  ${pos} ${sev}  ${f.message}  ${c.dim(f.ruleId)}${fix}`);
      if (f.cwe?.length) out.push(`           ${c.dim(f.cwe.map((n) => `CWE-${n}`).join(', '))}`);
      for (const step of f.evidence ?? []) out.push(`           ${c.dim(`↳ ${step.file}:${step.range.start.line} ${step.message}`)}`);
      if (source !== undefined) {
        const frame = codeFrame(source, f, options.color);
        if (frame) out.push(frame.replace(/^/gm, '    '));
      }
    }
  }
  const errors = shown.filter((f) => f.severity === 'error').length;
  const warnings = shown.filter((f) => f.severity === 'warning').length;
  const infos = shown.length - errors - warnings;
  const suppressed = input.findings.filter((f) => f.suppressed !== undefined).length;
  const outside = input.findings.filter((f) => f.suppressed === undefined && f.shouldReport === false).length;
  for (const notice of input.notices ?? []) out.push(c.yellow(`! ${notice}`));
  out.push('');
  const summary = shown.length === 0
    ? c.green(`✔ No problems in ${input.filesReviewed} file${input.filesReviewed === 1 ? '' : 's'}`)
    : (errors > 0 ? c.red : c.yellow)(`✖ ${shown.length} problem${shown.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} info) in ${input.filesReviewed} files`);
  const extra = [suppressed ? `${suppressed} suppressed` : '', outside ? `${outside} outside the diff` : ''].filter(Boolean).join(', ');
  out.push(summary + (extra ? c.dim(` — ${extra}`) : ''));
  if (input.timings?.length) out.push(c.dim(`  agents: ${input.timings.map((t) => `${t.agent} ${Math.round(t.ms)} ms`).join(', ')}`));
  return `${out.join('\n')}\n`;
}

function codeFrame(source: string, f: Finding, color: boolean): string | undefined {
  const lineStart = nthLineStart(source, f.range.start.line);
  if (lineStart < 0) return undefined;
  const lineEnd = source.indexOf('\n', lineStart);
  if ((lineEnd < 0 ? source.length : lineEnd) - lineStart > 500) return undefined;
  try {
    return codeFrameColumns(
      source,
      { start: f.range.start, end: f.range.end.line === f.range.start.line ? f.range.end : { line: f.range.start.line } },
      { highlightCode: color, linesAbove: 1, linesBelow: 1, forceColor: color },
    );
  } catch {
    return undefined;
  }
}

function nthLineStart(text: string, line: number): number {
  let index = 0;
  for (let l = 1; l < line; l++) {
    index = text.indexOf('\n', index);
    if (index < 0) return -1;
    index++;
  }
  return index;
}
