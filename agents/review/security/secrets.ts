/**
 * Hard-coded secret detection on string literals: known token formats (AWS, GitHub, Slack, Stripe,
 * Google, npm, private key blocks, JWT) anywhere, and high-entropy values assigned to names like
 * `secret`, `password`, `token`, `apiKey`. Placeholders and documentation examples stay quiet.
 */

/** A detected secret. */
export interface SecretMatch {
  kind: string;
  /** 0..1 */
  confidence: number;
}

const TOKEN_FORMATS: readonly { kind: string; re: RegExp }[] = [
  { kind: 'AWS access key id', re: /\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/ },
  { kind: 'GitHub token', re: /\b(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b/ },
  { kind: 'Slack token', re: /\bxox[abposr]-[0-9A-Za-z-]{10,}\b/ },
  { kind: 'Slack webhook URL', re: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{20,}/ },
  { kind: 'Stripe secret key', re: /\b(sk|rk)_live_[0-9a-zA-Z]{20,}\b/ },
  { kind: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: 'npm access token', re: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { kind: 'private key', re: /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/ },
  { kind: 'JSON Web Token', re: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/ },
  { kind: 'SendGrid API key', re: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/ },
  { kind: 'Twilio API key', re: /\bSK[0-9a-fA-F]{32}\b/ },
];

/** Names whose value is a credential. */
const SECRET_NAME = /(secret|passw(or)?d|passwd|pwd|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?key|credentials?|signing[_-]?key|encryption[_-]?key)$/i;
/** Names that look secret but hold something else. */
const NOT_SECRET_NAME = /(url|uri|path|file|dir|name|type|field|header|prefix|suffix|length|len|count|regex|pattern|format|label|placeholder|message|msg|endpoint|key_?id|min|max|mode|event|storage|cookie)$/i;
const PLACEHOLDER = /(change[_-]?me|changeit|example|sample|dummy|placeholder|your[_-]|my[_-]?(secret|password|token)|xxx|\*\*\*|<[^>]*>|\$\{|\{\{|%s|replace|insert|todo|fixme|test|fake|mock|secret123|password123|^pass(word)?$|^(none|null|undefined|true|false)$)/i;

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Checks a string value (and the name it is assigned to, if any). */
export function detectSecret(value: string, name: string | undefined): SecretMatch | undefined {
  if (value.length < 8 || value.length > 5000) return undefined;
  for (const f of TOKEN_FORMATS) {
    const m = f.re.exec(value);
    if (m && !/EXAMPLE|example|0{8,}|x{8,}|X{8,}/.test(m[0]) && !(f.kind === 'private key' && !/[A-Za-z0-9+/]{40,}/.test(value.slice(m.index + m[0].length)))) {
      return { kind: f.kind, confidence: 0.9 };
    }
  }
  if (!name) return undefined;
  const bare = name.replace(/^['"`]|['"`]$/g, '');
  if (!SECRET_NAME.test(bare) || NOT_SECRET_NAME.test(bare)) return undefined;
  if (value.length < 12 || /\s/.test(value) || PLACEHOLDER.test(value)) return undefined;
  if (/^[a-z]+([_-][a-z]+)*$/i.test(value) || /^(https?|file):\/\//.test(value) || /^[./\\]/.test(value)) return undefined;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
  if (classes < 2 || entropy(value) < 3.2) return undefined;
  return { kind: `high-entropy value assigned to ${bare}`, confidence: 0.6 };
}

/** Paths of tests, fixtures and examples, where secret-looking strings are usually fake. */
export function isTestPath(path: string): boolean {
  return /(^|[/\\])(test|tests|__tests__|spec|specs|fixtures?|examples?|__mocks__|mocks?|testdata|e2e)([/\\]|$)|\.(test|spec)\.[cm]?[jt]sx?$|_test\.py$|(^|[/\\])test_[^/\\]*\.py$/i.test(path);
}
