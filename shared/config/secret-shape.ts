/**
 * Recognises credentials pasted into a config file. Config files are committed and read by the GitHub
 * App through the API, so a key in one is a leaked key: the loader rejects it and points at the
 * environment variable to use instead. This is a validator, not a redactor: logs and the audit trail
 * use governance/redact.ts. It is deliberately narrower than the redactor (no PII, no IP addresses):
 * a false positive here rejects a user's file, so only unambiguous credential formats count.
 */

/** Well-known credential formats, each named as the error message shows it. All are linear-time. */
const SHAPES: ReadonlyArray<readonly [kind: string, pattern: RegExp]> = [
  ['an OpenAI or Anthropic API key', /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/],
  ['a GitHub token', /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})/],
  ['an AWS access key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['a Google API key', /\bAIza[0-9A-Za-z_-]{35}/],
  ['an npm token', /\bnpm_[A-Za-z0-9]{36}/],
  ['a Stripe key', /\b[rs]k_live_[A-Za-z0-9]{16,}/],
  ['a JSON Web Token', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/],
  ['a private key', /-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----/],
  ['a bearer token', /\bBearer\s+[A-Za-z0-9._~+/=-]{16,}/i],
  ['a password in a URL', /\b[a-z][a-z0-9+.-]{0,20}:\/\/[^\s/:@]{0,256}:[^\s/@]{1,256}@/i],
  ['a credential assignment', /(?:^|[^A-Za-z0-9])(?:api[_-]?key|token|secret|password|passwd)\s{0,4}[=:]\s{0,4}[^\s'"$]{6,}/i],
];

/** Only the start of a long string is scanned: known keys cap strings far below this anyway. */
const SCAN_LIMIT = 4096;

/**
 * Names the kind of credential `value` contains (e.g. "a GitHub token"), or `undefined` if it
 * looks like none. Environment variable references such as `$TOKEN` are not credentials.
 */
export function secretShape(value: string): string | undefined {
  const text = value.length > SCAN_LIMIT ? value.slice(0, SCAN_LIMIT) : value;
  for (const [kind, pattern] of SHAPES) {
    if (pattern.test(text)) return kind;
  }
  return undefined;
}
