/**
 * The rules {@link redactString} applies, in order. Each rule either is one regex with a replacement
 * or a small hand-written scanner: every regex here is written to run in linear time (no nested or
 * overlapping quantifiers, runs anchored by a look-behind so a long run is scanned from its start
 * only), because redaction runs on untrusted, possibly huge strings. `test/shared/governance`
 * checks each regex with redos-detector and times nothing (speed lives in bench/redact.bench.ts).
 */

/** Replacement text for a redacted value of a kind, e.g. `[REDACTED:github-token]`. */
export function redactedMarker(kind: string): string {
  return `[REDACTED:${kind}]`;
}

/** One redaction rule: a name (also the marker's kind) and a function rewriting a string. */
export interface SecretRule {
  readonly kind: string;
  /** A cheap pre-check: when it returns false the rule cannot match and is skipped. */
  readonly mayMatch: (s: string) => boolean;
  readonly apply: (s: string) => string;
  /** The rule's regexes, exposed so tests can check each one for catastrophic backtracking. */
  readonly patterns: readonly RegExp[];
}

/** A rule made of one global regex whose whole match (or the group named `secret`) is replaced. */
function regexRule(kind: string, regex: RegExp, hints: readonly string[] | RegExp, keep?: (match: string) => boolean): SecretRule {
  const marker = redactedMarker(kind);
  const mayMatch =
    hints instanceof RegExp ? (s: string) => hints.test(s) : (s: string) => hints.some((hint) => s.includes(hint));
  return {
    kind,
    mayMatch,
    patterns: [regex],
    apply: (s) =>
      s.replace(regex, (...args: unknown[]) => {
        const match = args[0] as string;
        const groups = args[args.length - 1] as Record<string, string | undefined> | undefined;
        if (keep?.(match)) return match;
        const secret = typeof groups === 'object' ? groups.secret : undefined;
        if (secret === undefined) return marker;
        // Keep what surrounds the secret (a header name, a URL's user), replace the secret only.
        const before = groups?.before ?? '';
        return `${before}${marker}${match.slice(before.length + secret.length)}`;
      }),
  };
}

/** True when the digits (separators ignored) pass the Luhn checksum of payment card numbers. */
export function passesLuhn(candidate: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = candidate.length - 1; i >= 0; i--) {
    const code = candidate.charCodeAt(i) - 48;
    if (code < 0 || code > 9) continue;
    digits++;
    let d = code;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits >= 13 && digits <= 19 && sum % 10 === 0;
}

/** IPv4 addresses that identify no person: loopback, private ranges, link-local, unspecified. */
function isNonPersonalIpv4(ip: string): boolean {
  const octets = ip.split('.').map(Number);
  if (octets.some((o) => o > 255)) return true; // not an address at all (e.g. a version string)
  const [a, b] = octets as [number, number, number, number];
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/**
 * What kind of secret a key or variable name holds, or undefined for an ordinary name. Matching is
 * on the lower-cased name without separators, so `DB_PASSWORD`, `apiKey`, `x-api-key` and
 * `client.secret` all count. Names ending in `token` count; `tokens`, `maxTokens`, `tokenCount` do not
 * (LLM usage figures are not secrets).
 */
export function secretKindForKey(name: string): string | undefined {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (n.length === 0) return undefined;
  if (n.includes('password') || n.includes('passwd') || n.includes('passphrase')) return 'password';
  if (n.includes('privatekey')) return 'private-key';
  if (n.includes('secret')) return 'secret';
  if (n.includes('apikey') || n.includes('accesskey')) return 'api-key';
  if (n.includes('authorization') || n === 'auth') return 'authorization';
  if (n.includes('credential')) return 'credential';
  if (n.includes('cookie') || n.includes('sessionid')) return 'cookie';
  if (n.endsWith('token')) return 'token';
  return undefined;
}

/** Private key blocks, scanned by hand: a BEGIN without an END redacts to the end of the string. */
const pemPrivateKey: SecretRule = {
  kind: 'private-key',
  patterns: [],
  mayMatch: (s) => s.includes('-----BEGIN '),
  apply: (s) => {
    const begin = '-----BEGIN ';
    let out = '';
    let from = 0;
    let at = s.indexOf(begin);
    while (at !== -1) {
      const labelEnd = s.indexOf('-----', at + begin.length);
      const label = labelEnd === -1 ? '' : s.slice(at + begin.length, labelEnd);
      if (labelEnd === -1 || label.length > 60 || !label.endsWith('PRIVATE KEY')) {
        at = s.indexOf(begin, at + begin.length);
        continue;
      }
      const endMarker = `-----END ${label}-----`;
      const end = s.indexOf(endMarker, labelEnd + 5);
      out += s.slice(from, at) + redactedMarker('private-key');
      from = end === -1 ? s.length : end + endMarker.length;
      at = end === -1 ? -1 : s.indexOf(begin, from);
    }
    return from === 0 ? s : out + s.slice(from);
  },
};

/** HTTP auth schemes that precede the credential in an `Authorization` value. */
const AUTH_SCHEMES = new Set(['bearer', 'basic', 'token', 'digest', 'negotiate', 'ntlm', 'apikey', 'aws4-hmac-sha256']);
const AUTHORIZATION_THEN_SEPARATOR = /(?<![\w-])(?:proxy-)?authorization(?:\\?["'])?[ \t]*[:=][ \t]*(?:\\?["'])?/gi;
const CREDENTIAL = /[^\s"',;\\]+/y;
const BLANKS = /[ \t]*/y;

/**
 * `Authorization: Bearer abc`, `"authorization": "token abc"`, `Proxy-Authorization: Basic …`:
 * the credential goes, the scheme stays (it tells a reader what kind of credential it was).
 */
const authorizationHeader: SecretRule = {
  kind: 'authorization',
  patterns: [AUTHORIZATION_THEN_SEPARATOR, CREDENTIAL, BLANKS],
  mayMatch: (s) => /authorization/i.test(s),
  apply: (s) => {
    AUTHORIZATION_THEN_SEPARATOR.lastIndex = 0;
    let out = '';
    let from = 0;
    let m: RegExpExecArray | null;
    while ((m = AUTHORIZATION_THEN_SEPARATOR.exec(s)) !== null) {
      let start = m.index + m[0].length;
      let word = readSticky(CREDENTIAL, s, start);
      if (AUTH_SCHEMES.has(word.toLowerCase())) {
        const afterBlanks = start + word.length + readSticky(BLANKS, s, start + word.length).length;
        const credential = readSticky(CREDENTIAL, s, afterBlanks);
        if (afterBlanks > start + word.length && credential.length > 0) {
          start = afterBlanks;
          word = credential;
        }
      }
      if (word.length === 0 || word.startsWith('[REDACTED:')) continue;
      out += s.slice(from, start) + redactedMarker('authorization');
      from = start + word.length;
      AUTHORIZATION_THEN_SEPARATOR.lastIndex = from;
    }
    return from === 0 ? s : out + s.slice(from);
  },
};

/** The match of a sticky regex at `at` ('' when none). */
function readSticky(regex: RegExp, s: string, at: number): string {
  regex.lastIndex = at;
  return regex.exec(s)?.[0] ?? '';
}

/** Runs of digits with single space/dash separators: where card numbers may hide. */
const DIGIT_RUN = /(?<!\d)\d+(?:[ -]\d+)*/g;

/**
 * Payment card numbers: 13-19 digits passing the Luhn check, starting and ending at a group
 * boundary of a digit run (`4111 1111 1111 1111`, `4111-1111-…`, `4111111111111111`), so a card
 * followed by more digits (`… 1111 2024`) is still found. Digit runs are scanned once each.
 */
const cardNumbers: SecretRule = {
  kind: 'card-number',
  patterns: [DIGIT_RUN],
  mayMatch: (s) => /\d{4}/.test(s),
  apply: (s) => s.replace(DIGIT_RUN, redactCardsInRun),
};

function redactCardsInRun(run: string): string {
  // Positions of digits in `run`, and which digits start / end a group.
  if (run.length < 13) return run;
  const at: number[] = [];
  for (let i = 0; i < run.length; i++) if (run.charCodeAt(i) !== 32 && run.charCodeAt(i) !== 45) at.push(i);
  const startsGroup = (d: number) => d === 0 || at[d]! !== at[d - 1]! + 1;
  const endsGroup = (d: number) => d === at.length - 1 || at[d + 1]! !== at[d]! + 1;
  let out = '';
  let from = 0;
  for (let d = 0; d + 13 <= at.length; d++) {
    if (!startsGroup(d)) continue;
    for (let len = Math.min(19, at.length - d); len >= 13; len--) {
      const last = d + len - 1;
      if (!endsGroup(last) || !passesLuhn(run.slice(at[d], at[last]! + 1))) continue;
      out += run.slice(from, at[d]) + redactedMarker('card-number');
      from = at[last]! + 1;
      d = last;
      break;
    }
  }
  return from === 0 ? run : out + run.slice(from);
}

/** Chars that end an unquoted assigned value. */
const VALUE_END = new Set([...' \t\r\n,;&"\'<>(){}[]`\\']);
const NON_SECRET_VALUES = new Set(['true', 'false', 'null', 'undefined', 'none', '']);

/**
 * `password=…`, `"apiKey": "…"`, `DB_SECRET: …`, `--token=…`, `\"token\":\"…\"` (JSON inside a
 * string): the value of any name {@link secretKindForKey} recognises. The regex finds `name` + `:`/`=`
 * (each run of name chars is tried from its start only); the value is scanned by hand.
 */
const NAME_THEN_SEPARATOR = /(?<![\w.-])[\w.-]+(?:\\?["'])?[ \t]*[:=]/g;
const assignment: SecretRule = {
  kind: 'secret-assignment',
  patterns: [NAME_THEN_SEPARATOR],
  mayMatch: (s) => s.includes('=') || s.includes(':'),
  apply: (s) => {
    NAME_THEN_SEPARATOR.lastIndex = 0;
    let out = '';
    let from = 0;
    let m: RegExpExecArray | null;
    while ((m = NAME_THEN_SEPARATOR.exec(s)) !== null) {
      const nameMatch = /^[\w.-]+/.exec(m[0])![0];
      const kind = secretKindForKey(nameMatch);
      if (kind === undefined || kind === 'authorization') continue; // headers are the header rule's job
      let start = m.index + m[0].length;
      while (s[start] === ' ' || s[start] === '\t') start++;
      if (s[start] === '=') continue; // `token == x` is a comparison
      const end = valueEnd(s, start);
      const value = s.slice(start, end);
      const bare = value.replace(/^\\?["']|\\?["']$/g, '');
      if (NON_SECRET_VALUES.has(bare.toLowerCase()) || bare.startsWith('[REDACTED:')) {
        NAME_THEN_SEPARATOR.lastIndex = Math.max(NAME_THEN_SEPARATOR.lastIndex, end);
        continue;
      }
      const quote = /^\\?["']/.exec(value)?.[0] ?? '';
      const closing = value.length > quote.length && value.endsWith(quote) ? quote : '';
      out += s.slice(from, start) + quote + redactedMarker(kind) + closing;
      from = end;
      NAME_THEN_SEPARATOR.lastIndex = end;
    }
    return from === 0 ? s : out + s.slice(from);
  },
};

/** End (exclusive) of the value starting at `start`: a quoted string (same line) or a bare word. */
function valueEnd(s: string, start: number): number {
  const first = s[start];
  if (first === '\\' && (s[start + 1] === '"' || s[start + 1] === "'")) {
    const close = s.indexOf(`\\${s[start + 1]}`, start + 2);
    const eol = lineEnd(s, start);
    return close === -1 || close > eol ? eol : close + 2;
  }
  if (first === '"' || first === "'") {
    const eol = lineEnd(s, start);
    for (let i = start + 1; i < eol; i++) {
      if (s[i] === '\\') i++;
      else if (s[i] === first) return i + 1;
    }
    return eol;
  }
  let i = start;
  while (i < s.length && !VALUE_END.has(s[i]!)) i++;
  return i;
}

function lineEnd(s: string, from: number): number {
  const eol = s.indexOf('\n', from);
  return eol === -1 ? s.length : eol;
}

/**
 * Every rule, most specific first: token formats before the generic `name=value` rule (so it
 * finds an already redacted value and leaves it), PII last.
 */
export const SECRET_RULES: readonly SecretRule[] = [
  pemPrivateKey,
  regexRule('github-token', /gh[pousr]_[A-Za-z0-9]{20,255}/g, ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']),
  regexRule('github-token', /github_pat_[A-Za-z0-9_]{20,255}/g, ['github_pat_']),
  regexRule('gitlab-token', /glpat-[A-Za-z0-9_-]{20,255}/g, ['glpat-']),
  regexRule('aws-access-key', /(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}/g, ['AKIA', 'ASIA', 'ABIA', 'ACCA']),
  regexRule('slack-token', /xox[abposr]-[A-Za-z0-9-]{10,255}/g, ['xox']),
  regexRule('slack-webhook', /hooks\.slack\.com\/services\/[A-Za-z0-9/]{10,255}/g, ['hooks.slack.com']),
  regexRule('stripe-key', /(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,255}/g, ['_live_', '_test_']),
  regexRule('google-api-key', /AIza[A-Za-z0-9_-]{35}/g, ['AIza']),
  regexRule('npm-token', /npm_[A-Za-z0-9]{36}/g, ['npm_']),
  regexRule('llm-api-key', /(?<![A-Za-z0-9])sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,255}/g, ['sk-']),
  regexRule('sendgrid-key', /SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}/g, ['SG.']),
  regexRule('jwt', /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, ['eyJ']),
  // scheme://user:password@host: only the password goes.
  regexRule('url-password', /(?<before>:\/\/[^\s/:@]{1,256}:)(?<secret>[^\s/@]{1,256})@/g, ['://']),
  authorizationHeader,
  regexRule('bearer-token', /(?<before>(?<![\w-])bearer[ \t]+)(?<secret>[A-Za-z0-9._~+/-]{8,}=*)/gi, /bearer/i),
  assignment,
  regexRule('email', /(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,63}/g, ['@']),
  cardNumbers,
  regexRule('phone', /(?<![\w+])\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){2,4}(?!\d)/g, ['+'], (m) => {
    const digits = m.replace(/\D/g, '').length;
    return digits < 8 || digits > 15; // E.164 numbers have at most 15 digits
  }),
  regexRule('phone', /(?<![\w.+-])(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w])/g, /\d{4}/),
  regexRule('ipv4', /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?!\.?\d)/g, ['.'], isNonPersonalIpv4),
];
