/**
 * The security scanner's rule catalogue: one entry per vulnerability class, with its CWE ids,
 * default severity, a one-line title and the remediation text that goes into `Finding.help`.
 */
import type { Severity } from '../../../shared/findings/finding.js';

/** A vulnerability class the scanner reports. The rule id is `security/<class>`. */
export type SecurityClass =
  | 'code-injection'
  | 'command-injection'
  | 'path-traversal'
  | 'sql-injection'
  | 'nosql-injection'
  | 'prototype-pollution'
  | 'redos'
  | 'insecure-deserialization'
  | 'hardcoded-secret'
  | 'skipped';

/** Metadata of one rule. */
export interface SecurityRule {
  readonly id: `security/${SecurityClass}`;
  readonly cls: SecurityClass;
  readonly title: string;
  readonly cwe: readonly number[];
  /** Severity when outside data clearly reaches the sink; weaker evidence lowers it. */
  readonly severity: Severity;
  readonly help: string;
  readonly helpUrl: string;
}

const cweUrl = (id: number): string => `https://cwe.mitre.org/data/definitions/${id}.html`;

function rule(cls: SecurityClass, title: string, cwe: number[], severity: Severity, help: string): SecurityRule {
  return { id: `security/${cls}`, cls, title, cwe, severity, help, helpUrl: cweUrl(cwe[0] ?? 20) };
}

/** Every rule, by class. */
export const SECURITY_RULES: Readonly<Record<SecurityClass, SecurityRule>> = {
  'code-injection': rule('code-injection', 'Code injection', [94, 95], 'error',
    'Do not evaluate strings built from outside data. Parse data with JSON.parse, look up behaviour in a map of functions, and compile templates only from trusted files; never pass request data as template options.'),
  'command-injection': rule('command-injection', 'OS command injection', [78], 'error',
    'Run programs without a shell: execFile/spawn with an argument array and shell:false. If a shell is unavoidable, validate the input against an allow-list or quote it (shell-quote).'),
  'path-traversal': rule('path-traversal', 'Path traversal', [22], 'error',
    'Resolve the path (path.resolve(root, name)) and check it is inside the root (resolved.startsWith(root + path.sep)) before using it; for archives check every entry name the same way (zip slip). path.join alone or a search for ".." is not enough.'),
  'sql-injection': rule('sql-injection', 'SQL injection', [89], 'error',
    'Use parameterised queries (placeholders like ? or $1 with a values array) or the driver\'s escape functions instead of concatenating or interpolating values into SQL.'),
  'nosql-injection': rule('nosql-injection', 'NoSQL injection', [943], 'error',
    'Do not pass request objects straight into queries: pick the fields you expect and coerce them (String(x)), or sanitise operators ($-keys) with a library such as mongo-sanitize. Never build $where from outside data.'),
  'prototype-pollution': rule('prototype-pollution', 'Prototype pollution', [1321], 'warning',
    'Skip the keys __proto__, constructor and prototype when merging, cloning or setting by path (or check Object.hasOwn on the target), or write into objects created with Object.create(null) / a Map.'),
  redos: rule('redos', 'Regular expression denial of service', [1333], 'warning',
    'Rewrite the pattern so each input character can be matched in only one way: remove nested or adjacent overlapping quantifiers, anchor it, bound repetition, or limit the input length before matching. Never build a RegExp from outside data without escaping it.'),
  'insecure-deserialization': rule('insecure-deserialization', 'Insecure deserialization', [502], 'error',
    'Deserialize outside data only with data-only formats: JSON.parse, yaml.load with a safe schema (js-yaml >= 4, or safeLoad / yaml.safe_load / SafeLoader in Python). Never use node-serialize unserialize, pickle or eval on it.'),
  'hardcoded-secret': rule('hardcoded-secret', 'Hard-coded secret', [798], 'error',
    'Remove the secret from the source, rotate it, and load it from the environment or a secret store at run time.'),
  skipped: rule('skipped', 'File not scanned', [20], 'info',
    'The file was not scanned for security issues (too large, binary or too deeply nested). Scan it separately or raise the size cap if it is source code you maintain.'),
};
