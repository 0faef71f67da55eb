/**
 * A baseline ("hold the line"): a file listing the fingerprints of findings that already exist, so
 * only new findings fail a build. Fingerprints survive line shifts, so moving code does not
 * resurrect baseline findings.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { InvalidInputError, errorMessage } from '../../../shared/errors/errors.js';
import type { Finding } from '../../../shared/findings/finding.js';

const baselineSchema = z.object({
  version: z.literal(1),
  createdAt: z.string().optional(),
  findings: z.array(
    z.object({
      fingerprint: z.string().min(1),
      ruleId: z.string(),
      file: z.string(),
      message: z.string().optional(),
    }),
  ),
});

/** The baseline file's contents. */
export type Baseline = z.output<typeof baselineSchema>;

/** Reads and validates a baseline file; errors name the file and what is wrong. */
export async function readBaseline(path: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`Cannot read the baseline file ${path}: ${errorMessage(error)}. Create one with \`orchestra review --write-baseline ${path}\`.`, { file: path });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`The baseline file ${path} is not valid JSON: ${errorMessage(error)}`, { file: path });
  }
  const parsed = baselineSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(`The baseline file ${path} is invalid at "${issue.path.join('.') || '(root)'}": ${issue.message}`, { file: path, key: issue.path.join('.') });
  }
  return parsed.data;
}

/** Writes a baseline of the given findings (atomically: temp file then rename). */
export async function writeBaseline(path: string, findings: readonly Finding[]): Promise<Baseline> {
  const baseline: Baseline = {
    version: 1,
    createdAt: new Date().toISOString(),
    findings: [...findings]
      .sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line)
      .map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, file: f.file, message: f.message })),
  };
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(baseline, null, 2)}\n`);
  await rename(tmp, path);
  return baseline;
}

/** Marks findings whose fingerprint is in the baseline. */
export function applyBaseline(findings: Finding[], baseline: Baseline): Finding[] {
  const known = new Set(baseline.findings.map((f) => f.fingerprint));
  return findings.map((finding) =>
    known.has(finding.fingerprint) ? { ...finding, shouldReport: false, suppressed: { by: 'baseline' as const } } : finding,
  );
}
