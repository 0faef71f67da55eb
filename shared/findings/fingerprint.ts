/**
 * Stable finding fingerprints. A fingerprint must survive unrelated line shifts (code added above),
 * so it is built from the rule, the file and the normalised text of the flagged line(s), never the
 * line number. Two identical snippets in one file are told apart by their occurrence index, the
 * approach GitHub code scanning's `primaryLocationLineHash` and Sonar's issue tracking take.
 */
import { createHash } from 'node:crypto';

/** Collapses whitespace so re-indentation and trailing spaces do not change the fingerprint. */
export function normaliseSnippet(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Input to {@link fingerprint}. */
export interface FingerprintInput {
  ruleId: string;
  file: string;
  /** Text of the flagged line(s). */
  snippet: string;
  /** 0-based index of this snippet among identical (rule, file, snippet) findings, in file order. */
  occurrence?: number;
  /** Extra discriminator, e.g. the identifier involved, when the rule can flag one line twice. */
  discriminator?: string;
}

/** Returns a 16-hex-digit fingerprint. */
export function fingerprint(input: FingerprintInput): string {
  const hash = createHash('sha256');
  hash.update(input.ruleId);
  hash.update('\0');
  hash.update(input.file.replace(/\\/g, '/'));
  hash.update('\0');
  hash.update(normaliseSnippet(input.snippet));
  hash.update('\0');
  hash.update(String(input.occurrence ?? 0));
  if (input.discriminator) {
    hash.update('\0');
    hash.update(input.discriminator);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Assigns fingerprints to findings of one file, numbering identical snippets by occurrence.
 * `lineText(line)` returns the 1-based line's text.
 */
export function assignFingerprints<T extends { ruleId: string; file: string; range: { start: { line: number }; end: { line: number } }; fingerprint?: string }>(
  findings: T[],
  lineText: (line: number) => string,
): (T & { fingerprint: string })[] {
  const seen = new Map<string, number>();
  const ordered = [...findings].sort((a, b) => a.range.start.line - b.range.start.line);
  return ordered.map((f) => {
    const lines: string[] = [];
    for (let l = f.range.start.line; l <= Math.min(f.range.end.line, f.range.start.line + 4); l++) lines.push(lineText(l));
    const snippet = lines.join('\n');
    const key = `${f.ruleId}\0${f.file}\0${normaliseSnippet(snippet)}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return { ...f, fingerprint: fingerprint({ ruleId: f.ruleId, file: f.file, snippet, occurrence }) };
  });
}
