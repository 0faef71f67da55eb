/**
 * The GitHub App's settings, read once from the environment where `orchestra serve` (the webhook
 * endpoint) and `orchestra worker` (the BullMQ job consumers) start. Every variable is checked with
 * zod; all problems are reported together in one {@link InvalidInputError} whose lines name the
 * variable and say what to set. No message ever contains the private key or the webhook secret.
 *
 * Where this differs from Probot reading the same variables itself (on purpose):
 * - WEBHOOK_SECRET is required. Without it Probot verifies signatures against its public default
 *   "development", which anyone can forge; that value is refused too.
 * - PORT=0 asks the operating system for a free port. Probot's server turns 0 into 3000, so the host
 *   that starts the server must pass 0 to `listen` itself (node:http + `createNodeMiddleware`).
 * - HOST defaults to 127.0.0.1 (see {@link AppSettings.host}).
 * - PRIVATE_KEY and PRIVATE_KEY_PATH together are an error (Probot silently takes PRIVATE_KEY), and
 *   no `*.pem` in the working directory is picked up implicitly (it is only suggested).
 * - The private key must parse (node:crypto) as an RSA key, and is returned as PKCS#8 PEM, which
 *   universal-github-app-jwt signs with on every runtime.
 * - The queue's Redis is ORCHESTRA_REDIS_URL; REDIS_URL stays Probot's (its rate limiter).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { InvalidInputError } from '../shared/errors/errors.js';
import { REDIS_URL_VARIABLE, bullmqConnection, redisUrlFromEnv } from '../shared/queue/bullmq-connection.js';

/** Log levels Probot's pino logger accepts (LOG_LEVEL). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Probot's (and @octokit/webhooks') default webhook path. */
export const DEFAULT_WEBHOOK_PATH = '/api/github/webhooks';
/** Port used when PORT is unset. */
export const DEFAULT_PORT = 3000;
/** Address listened on when HOST is unset: loopback only (see {@link AppSettings.host}). */
export const DEFAULT_HOST = '127.0.0.1';
/** GitHub's REST API on github.com. */
export const GITHUB_API_URL = 'https://api.github.com';
/** Paths the app's own server answers, so the webhook path may not take them. */
export const RESERVED_PATHS: readonly string[] = ['/healthz', '/metrics'];
/** What {@link redactedSettings} puts in place of secrets. */
export const REDACTED = '[redacted]';

/** The secret Probot verifies webhooks with when none is set: public, hence refused. */
const PROBOT_DEFAULT_SECRET = 'development';
/** A 4096-bit RSA key is ~3.3 KB of PEM, ~4.4 KB in base64: anything far bigger is the wrong value. */
const MAX_KEY_CHARS = 16_384;
/** GitHub sets no documented limit; a secret this long is a pasted file, not a secret. */
const MAX_SECRET_CHARS = 4_096;
const MAX_VALUE_CHARS = 2_048;
const SHORT_SECRET_CHARS = 16;
const KEY_SOURCE = "the private key (.pem) generated under \"Private keys\" in your GitHub App's settings";

/** The settings the GitHub App runs with, parsed from the environment by {@link appSettingsFromEnv}. */
export interface AppSettings {
  /** APP_ID: the numeric App ID from the app's settings page (digits only, never the "Iv1…" client ID). */
  appId: string;
  /**
   * The app's RSA private key as PKCS#8 PEM, from PRIVATE_KEY (the PEM text, with real newlines or
   * literal `\n` escapes, or base64 of the PEM file, as Probot accepts) or PRIVATE_KEY_PATH (a file,
   * resolved against the working directory). Never log it: see {@link redactedSettings}.
   */
  privateKey: string;
  /** WEBHOOK_SECRET: the secret deliveries are signed with (X-Hub-Signature-256). Required. */
  webhookSecret: string;
  /**
   * GitHub's REST base URL: https://api.github.com, or `${GHE_PROTOCOL}://${GHE_HOST}/api/v3` for
   * GitHub Enterprise Server (GHE_PROTOCOL defaults to https).
   */
  baseUrl: string;
  /**
   * PORT, default 3000. 0 means "let the operating system pick a free port" (tests, several
   * instances on one machine). Probot itself treats 0 as 3000, so pass it to `server.listen`
   * directly rather than to Probot's `Server`.
   */
  port: number;
  /**
   * HOST, the address to listen on; default 127.0.0.1. Probot 14.3 listens on "localhost", which
   * resolves to ::1 only on some machines, so a proxy pointed at 127.0.0.1 would miss it; and the
   * server also answers /metrics, which should not face the internet. GitHub's deliveries normally
   * come through a TLS-terminating reverse proxy or tunnel on the same machine. In a container, or to
   * take deliveries directly, set HOST=0.0.0.0 (or :: for IPv6 too).
   */
  host: string;
  /** WEBHOOK_PATH, default "/api/github/webhooks": must match the path of the webhook URL in the app's settings. */
  webhookPath: string;
  /**
   * ORCHESTRA_REDIS_URL: the Redis the review queue uses across processes (`orchestra worker`).
   * Unset: reviews run in the `orchestra serve` process. Never REDIS_URL, which Probot takes for
   * its own rate limiter. Strip credentials before logging: see {@link redactedSettings}.
   */
  redisUrl?: string;
  /** LOG_LEVEL, default "info". */
  logLevel: LogLevel;
  /** Things that work but are probably not what was meant; the host logs them at startup. */
  warnings: string[];
}

/**
 * What {@link appSettingsFromEnv} returns with `requireApp: false`: APP_ID and the private key may
 * both be missing (the app is not registered yet, e.g. Probot's setup page), but not just one.
 */
export type AppSettingsWithoutApp = Omit<AppSettings, 'appId' | 'privateKey'> & Partial<Pick<AppSettings, 'appId' | 'privateKey'>>;

/** A copy of the settings that is safe to log: secrets replaced by {@link REDACTED}, no Redis credentials. */
export type RedactedAppSettings = Omit<AppSettingsWithoutApp, 'privateKey' | 'webhookSecret'> & {
  privateKey?: typeof REDACTED;
  webhookSecret: typeof REDACTED;
};

/** Options of {@link appSettingsFromEnv}. */
export interface AppSettingsOptions {
  /** Directory a relative PRIVATE_KEY_PATH is resolved against (the process's working directory). */
  cwd: string;
  /** APP_ID and a private key must be set (default true). WEBHOOK_SECRET is required either way. */
  requireApp?: boolean;
}

/**
 * Reads and checks the GitHub App's settings from environment variables (see {@link AppSettings} for
 * each variable). A variable set to the empty string counts as unset; values other than the secret
 * and the key are trimmed.
 * @throws InvalidInputError listing every problem, each naming its variable and what to set.
 */
export function appSettingsFromEnv(env: NodeJS.ProcessEnv, options: AppSettingsOptions & { requireApp?: true }): AppSettings;
export function appSettingsFromEnv(env: NodeJS.ProcessEnv, options: AppSettingsOptions): AppSettingsWithoutApp;
export function appSettingsFromEnv(env: NodeJS.ProcessEnv, options: AppSettingsOptions): AppSettingsWithoutApp {
  const requireApp = options.requireApp ?? true;
  const problems: Problem[] = [];
  const both = isSet(env.PRIVATE_KEY) && isSet(env.PRIVATE_KEY_PATH);
  if (both) {
    problems.push({
      key: 'PRIVATE_KEY',
      message:
        'PRIVATE_KEY and PRIVATE_KEY_PATH are both set: unset one of them, so that a stale key cannot shadow a rotated one ' +
        '(Probot alone would silently use PRIVATE_KEY).',
    });
  }
  const hasKey = isSet(env.PRIVATE_KEY) || isSet(env.PRIVATE_KEY_PATH);
  if (!requireApp && isSet(env.APP_ID) !== hasKey) {
    problems.push(
      hasKey
        ? { key: 'APP_ID', message: 'APP_ID is not set but a private key is: set both (the App ID is on the app\'s settings page), or neither to register the app first.' }
        : { key: 'PRIVATE_KEY_PATH', message: `APP_ID is set but no private key is: set PRIVATE_KEY_PATH to ${KEY_SOURCE}, or unset APP_ID to register the app first.` },
    );
  }

  const input = {
    APP_ID: env.APP_ID,
    key: both ? {} : { PRIVATE_KEY: env.PRIVATE_KEY, PRIVATE_KEY_PATH: env.PRIVATE_KEY_PATH },
    WEBHOOK_SECRET: env.WEBHOOK_SECRET,
    GHE_HOST: env.GHE_HOST,
    GHE_PROTOCOL: env.GHE_PROTOCOL,
    PORT: env.PORT,
    HOST: env.HOST,
    WEBHOOK_PATH: env.WEBHOOK_PATH,
    [REDIS_URL_VARIABLE]: env[REDIS_URL_VARIABLE],
    LOG_LEVEL: env.LOG_LEVEL,
  };
  const result = settingsSchema(options.cwd, requireApp, requireApp && !both).safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push({ key: String(issue.path.at(-1) ?? 'environment'), message: issue.message });
  }
  if (problems.length > 0 || !result.success) {
    // Probot's public default is refused by name; every other secret is cut out of the message.
    const secret = env.WEBHOOK_SECRET === PROBOT_DEFAULT_SECRET ? undefined : env.WEBHOOK_SECRET;
    throw settingsError(problems, [secret, env.PRIVATE_KEY]);
  }

  const v = result.data;
  const settings: AppSettingsWithoutApp = {
    baseUrl: v.GHE_HOST === undefined ? GITHUB_API_URL : `${v.GHE_PROTOCOL ?? 'https'}://${v.GHE_HOST}/api/v3`,
    webhookSecret: v.WEBHOOK_SECRET,
    port: v.PORT ?? DEFAULT_PORT,
    host: v.HOST ?? DEFAULT_HOST,
    webhookPath: v.WEBHOOK_PATH ?? DEFAULT_WEBHOOK_PATH,
    logLevel: v.LOG_LEVEL ?? 'info',
    warnings: settingsWarnings(env, v.GHE_HOST, v.GHE_PROTOCOL, v.WEBHOOK_SECRET),
  };
  if (v.APP_ID !== undefined) settings.appId = v.APP_ID;
  if (v.key !== undefined) settings.privateKey = v.key;
  const redisUrl = v[REDIS_URL_VARIABLE];
  if (redisUrl !== undefined) settings.redisUrl = redisUrl;
  return settings;
}

/**
 * A copy of the settings for logs and diagnostics: the private key and the webhook secret become
 * {@link REDACTED}, and the Redis URL loses its user name, password, query and fragment.
 */
export function redactedSettings(settings: AppSettingsWithoutApp): RedactedAppSettings {
  const { privateKey, webhookSecret: _secret, redisUrl, warnings, ...rest } = settings;
  const copy: RedactedAppSettings = { ...rest, webhookSecret: REDACTED, warnings: [...warnings] };
  if (privateKey !== undefined) copy.privateKey = REDACTED;
  if (redisUrl !== undefined) copy.redisUrl = withoutCredentials(redisUrl);
  return copy;
}

interface Problem {
  key: string;
  message: string;
}

/** Set to something other than whitespace (a blank variable counts as unset, as everywhere here). */
function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** Shows a non-secret value in a message: quoted and escaped when short, otherwise only its size. */
function shown(value: unknown): string {
  if (typeof value !== 'string') return typeof value === 'number' ? String(value) : `a value of type ${typeof value}`;
  if (value.includes('PRIVATE KEY') || value.length > 48) return `a ${value.length}-character value`;
  return JSON.stringify(value);
}

/** Empty (or, for non-secrets, blank) counts as unset; non-secret values are trimmed. */
function unsetWhenEmpty(trim: boolean) {
  return (value: unknown) => {
    if (typeof value !== 'string') return value;
    const text = trim ? value.trim() : value;
    return text === '' ? undefined : text;
  };
}

/** A variable that may be unset (the schema then sees nothing and the caller applies the default). */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(unsetWhenEmpty(true), schema.optional());
}

/** A variable that must be set: `schema` sees `undefined` when it is not, and says so in its own words. */
function required<T extends z.ZodType>(schema: T, trim = true) {
  return z.preprocess(unsetWhenEmpty(trim), schema);
}

/** A value length check that never shows the value. */
function bounded(name: string, max: number) {
  return z.string().max(max, {
    error: (issue) => `${name} is ${String((issue.input as string).length)} characters long, more than ${max}: check that the right value went into ${name}.`,
    abort: true,
  });
}

const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const GHE_HOST_SHAPE = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(?::(\d{1,5}))?$/;
const URL_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const GITHUB_COM_HOSTS = new Set(['github.com', 'www.github.com', 'api.github.com']);

function settingsSchema(cwd: string, requireApp: boolean, requireKey: boolean) {
  const appIdText = z
    .string({ error: "APP_ID is not set: set it to the App ID shown on your GitHub App's settings page (a number such as 123456)." })
    .max(40, { error: (issue) => `APP_ID is ${shown(issue.input)}: set the numeric App ID shown on your GitHub App's settings page (e.g. 123456).`, abort: true })
    .regex(/^[1-9][0-9]{0,14}$/, { error: (issue) => appIdProblem(issue.input) });
  return z.object({
    APP_ID: requireApp ? required(appIdText) : optional(appIdText),
    key: z
      .object({ PRIVATE_KEY: z.string().optional(), PRIVATE_KEY_PATH: z.string().optional() })
      .transform((source, ctx) => {
        const loaded = loadPrivateKey(source, cwd, requireKey);
        if ('problem' in loaded) {
          ctx.addIssue({ code: 'custom', message: loaded.problem.message, path: [loaded.problem.key] });
          return z.NEVER;
        }
        return loaded.pem;
      }),
    WEBHOOK_SECRET: required(
      z
        .string({ error: "WEBHOOK_SECRET is not set: orchestra serve refuses to accept unsigned webhooks. Set it to the secret from your GitHub App's settings." })
        .max(MAX_SECRET_CHARS, {
          error: (issue) => `WEBHOOK_SECRET is ${String((issue.input as string).length)} characters long, more than ${MAX_SECRET_CHARS}: set it to the secret from your GitHub App's settings.`,
          abort: true,
        })
        .refine((secret) => secret.trim() !== '', {
          error: "WEBHOOK_SECRET is only whitespace: set it to the secret from your GitHub App's settings (e.g. one made with `openssl rand -hex 32`).",
        })
        .refine((secret) => secret !== PROBOT_DEFAULT_SECRET, {
          error: `WEBHOOK_SECRET is Probot's public default "${PROBOT_DEFAULT_SECRET}", which anyone can sign with: set a random secret (e.g. \`openssl rand -hex 32\`) here and in your GitHub App's settings.`,
        }),
      false,
    ),
    GHE_HOST: optional(
      bounded('GHE_HOST', 300).transform((host, ctx) => {
        const problem = gheHostProblem(host);
        if (problem !== undefined) {
          ctx.addIssue({ code: 'custom', message: problem });
          return z.NEVER;
        }
        return host.toLowerCase();
      }),
    ),
    GHE_PROTOCOL: optional(
      z.preprocess(
        (value) => (typeof value === 'string' ? value.toLowerCase() : value),
        z.enum(['http', 'https'], {
          error: (issue) => `GHE_PROTOCOL is ${shown(issue.input)}: set "https" (or "http" for a server without TLS), without "://"; unset means https.`,
        }),
      ),
    ),
    PORT: optional(
      z
        .string()
        .refine((port) => /^\d{1,5}$/.test(port) && Number(port) <= 65_535, { error: (issue) => portProblem(issue.input) })
        .transform(Number),
    ),
    HOST: optional(
      z.string().refine((host) => host.length <= 253 && (isIP(host) !== 0 || HOSTNAME.test(host)), {
        error: (issue) =>
          `HOST is ${shown(issue.input)}: set the address to listen on — 127.0.0.1 (this machine only, the default), 0.0.0.0 (all IPv4 interfaces), :: (all interfaces) or a host name — without scheme, port or brackets.`,
      }),
    ),
    WEBHOOK_PATH: optional(
      z
        .string()
        .max(MAX_VALUE_CHARS, { error: (issue) => webhookPathProblem(issue.input), abort: true })
        .regex(URL_PATH, { error: (issue) => webhookPathProblem(issue.input) })
        .refine((path) => !RESERVED_PATHS.includes(path.replace(/(.)\/+$/, '$1')), {
          error: (issue) => `WEBHOOK_PATH is ${shown(issue.input)}, a path the app's server answers itself (${RESERVED_PATHS.join(', ')}): keep the default ${DEFAULT_WEBHOOK_PATH}.`,
        }),
    ),
    [REDIS_URL_VARIABLE]: optional(
      bounded(REDIS_URL_VARIABLE, MAX_VALUE_CHARS).transform((url, ctx) => {
        const problem = redisUrlProblem(url);
        if (problem !== undefined) {
          ctx.addIssue({ code: 'custom', message: problem });
          return z.NEVER;
        }
        return url;
      }),
    ),
    LOG_LEVEL: optional(
      z.preprocess(
        (value) => (typeof value === 'string' ? value.toLowerCase() : value),
        z.enum(LOG_LEVELS, { error: (issue) => `LOG_LEVEL is ${shown(issue.input)}: set one of ${LOG_LEVELS.join(', ')} (unset means info).` }),
      ),
    ),
  });
}

function appIdProblem(input: unknown): string {
  const fix = "set the numeric App ID shown on your GitHub App's settings page (digits only, e.g. 123456)";
  if (typeof input === 'string' && /^Iv[0-9a-z]{0,4}\./i.test(input)) return `APP_ID is ${shown(input)}, which is the app's Client ID: ${fix}.`;
  return `APP_ID is ${shown(input)}: ${fix}.`;
}

function portProblem(input: unknown): string {
  return `PORT is ${shown(input)}: set a whole number from 0 to 65535 (0 picks a free port), or unset it for ${DEFAULT_PORT}.`;
}

function webhookPathProblem(input: unknown): string {
  return `WEBHOOK_PATH is ${shown(input)}: set a URL path that starts with "/", without query, fragment or spaces (default ${DEFAULT_WEBHOOK_PATH}); it must match the path of the webhook URL in your GitHub App's settings.`;
}

function gheHostProblem(host: string): string | undefined {
  const example = 'e.g. GHE_HOST=github.example.com or github.example.com:8443';
  if (host.includes('://')) {
    return `GHE_HOST is ${shown(host)}: give the host name only, without "http(s)://" (${example}); put the scheme in GHE_PROTOCOL if it is not https.`;
  }
  if (host.includes('@')) return `GHE_HOST is ${shown(host)}: give the host name only, without credentials (${example}).`;
  if (/[/?#]/.test(host)) return `GHE_HOST is ${shown(host)}: give the host name only, without a path (${example}); Orchestra adds /api/v3 itself.`;
  const match = GHE_HOST_SHAPE.exec(host);
  const port = match?.[1];
  if (!match || (port !== undefined && (Number(port) < 1 || Number(port) > 65_535))) {
    return `GHE_HOST is ${shown(host)}: set the host name of your GitHub Enterprise Server, with an optional port from 1 to 65535 (${example}).`;
  }
  if (GITHUB_COM_HOSTS.has(host.toLowerCase())) {
    return `GHE_HOST is ${shown(host)}: unset GHE_HOST for github.com; it is only for GitHub Enterprise Server.`;
  }
  return undefined;
}

/** Checks the queue's Redis URL with the queue's own parser; its messages may quote the URL, which can hold a password. */
function redisUrlProblem(url: string): string | undefined {
  try {
    bullmqConnection(redisUrlFromEnv({ [REDIS_URL_VARIABLE]: url }), REDIS_URL_VARIABLE);
    return undefined;
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return error.message.split(url).join('(value not shown)');
  }
}

type LoadedKey = { pem?: string } | { problem: Problem };

/** Reads the key from PRIVATE_KEY or PRIVATE_KEY_PATH (never both: the caller reports that). */
function loadPrivateKey(source: { PRIVATE_KEY?: string | undefined; PRIVATE_KEY_PATH?: string | undefined }, cwd: string, required: boolean): LoadedKey {
  if (isSet(source.PRIVATE_KEY)) {
    const text = inlineKeyText(source.PRIVATE_KEY);
    if (typeof text !== 'string') return { problem: { key: 'PRIVATE_KEY', message: text.problem } };
    return checkedKey(text, 'PRIVATE_KEY', 'PRIVATE_KEY');
  }
  const path = source.PRIVATE_KEY_PATH?.trim();
  if (path) {
    const file = resolve(cwd, path);
    const text = readKeyFile(file);
    if (typeof text !== 'string') return { problem: { key: 'PRIVATE_KEY_PATH', message: text.problem } };
    return checkedKey(text, `PRIVATE_KEY_PATH (${JSON.stringify(file)})`, 'PRIVATE_KEY_PATH');
  }
  if (!required) return {};
  return {
    problem: {
      key: 'PRIVATE_KEY_PATH',
      message: `PRIVATE_KEY_PATH and PRIVATE_KEY are not set: set PRIVATE_KEY_PATH to ${KEY_SOURCE}, or put the file's contents in PRIVATE_KEY.${pemFilesHint(cwd)}`,
    },
  };
}

/** Undoes the encodings Probot accepts in PRIVATE_KEY: surrounding quotes, literal `\n` escapes, base64 of the PEM. */
function inlineKeyText(raw: string): string | { problem: string } {
  if (raw.length > MAX_KEY_CHARS) {
    return { problem: `PRIVATE_KEY is ${raw.length} characters long, more than ${MAX_KEY_CHARS}: a GitHub App key is about 1,700; set it to ${KEY_SOURCE}.` };
  }
  let text = raw.trim();
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text.at(-1) === text[0]) text = text.slice(1, -1);
  text = text.replace(/\\r\\n|\\n/g, '\n');
  if (text.includes('-----BEGIN')) return text;
  const compact = text.replace(/\s+/g, '');
  if (compact.length > 0 && compact.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    const decoded = Buffer.from(compact, 'base64').toString('utf8');
    if (decoded.includes('-----BEGIN')) return decoded.replace(/\\r\\n|\\n/g, '\n');
    return { problem: 'PRIVATE_KEY looks base64-encoded but does not decode to a PEM key: encode the .pem file itself (e.g. `base64 -w0 app.private-key.pem`), or set PRIVATE_KEY_PATH to the file.' };
  }
  return {
    problem:
      'PRIVATE_KEY does not hold a PEM private key: paste the whole .pem file from "-----BEGIN" to the "-----END" line (real newlines or \\n escapes both work), ' +
      'or its base64 encoding, or set PRIVATE_KEY_PATH to the file instead.',
  };
}

function readKeyFile(file: string): string | { problem: string } {
  const where = `PRIVATE_KEY_PATH points to ${JSON.stringify(file.length > 300 ? `${file.slice(0, 300)}…` : file)}`;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return { problem: `${where}, which is not a regular file: set it to ${KEY_SOURCE}.` };
    if (stat.size > MAX_KEY_CHARS) return { problem: `${where}, a file of ${stat.size} bytes, too big for a private key (a GitHub App's .pem is under 4 KB): check the path.` };
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { problem: `${where}, which does not exist: set it to ${KEY_SOURCE} (a relative path is resolved against the working directory).` };
    if (code === 'EACCES' || code === 'EPERM') return { problem: `${where}, which this process may not read: give the user running Orchestra read access to it.` };
    return { problem: `${where}, which cannot be read (${code ?? 'invalid path'}): set it to ${KEY_SOURCE}.` };
  }
}

/** Finds the private key's PEM block, parses it with node:crypto and returns it as PKCS#8 PEM. */
function checkedKey(text: string, subject: string, key: string): LoadedKey {
  const fail = (message: string): LoadedKey => ({ problem: { key, message: `${subject} ${message}` } });
  const blocks = pemBlocks(text);
  const block = blocks.find((b) => b.label.endsWith('PRIVATE KEY'));
  if (block === undefined) {
    const other = blocks[0]?.label;
    if (other !== undefined) return fail(`holds a PEM "${other}", not a private key: use ${KEY_SOURCE}.`);
    return fail(`holds no complete PEM private key (no matching "-----BEGIN …-----" and "-----END …-----" lines): use ${KEY_SOURCE}.`);
  }
  if (block.label.includes('ENCRYPTED') || block.body.includes('ENCRYPTED')) {
    return fail(`holds a passphrase-protected key: GitHub's keys are not encrypted; use ${KEY_SOURCE}, or decrypt it with \`openssl pkey\`.`);
  }
  if (block.label === 'OPENSSH PRIVATE KEY') return fail(`holds an OpenSSH key, not a GitHub App key: use ${KEY_SOURCE}.`);
  const body = block.body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return fail(`holds a damaged PEM block (characters outside base64 between the BEGIN and END lines): use ${KEY_SOURCE}.`);
  const pem = `-----BEGIN ${block.label}-----\n${body.replace(/.{1,64}/g, '$&\n')}-----END ${block.label}-----\n`;
  let parsed;
  try {
    parsed = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    // node:crypto's message never contains the key, but it says nothing a user can act on either.
    return fail(`does not parse as a private key (the PEM is damaged or incomplete): use ${KEY_SOURCE}.`);
  }
  if (parsed.asymmetricKeyType !== 'rsa') {
    return fail(`holds a key of type ${parsed.asymmetricKeyType ?? 'unknown'}, but GitHub App keys are RSA (RS256): use ${KEY_SOURCE}.`);
  }
  return { pem: parsed.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** The PEM blocks of a text, found with indexOf (linear, no regex backtracking on hostile input). */
function pemBlocks(text: string): { label: string; body: string }[] {
  const blocks: { label: string; body: string }[] = [];
  let from = 0;
  while (blocks.length < 8) {
    const begin = text.indexOf('-----BEGIN ', from);
    if (begin < 0) break;
    const labelEnd = text.indexOf('-----', begin + 11);
    if (labelEnd < 0 || labelEnd - begin > 64) break;
    const label = text.slice(begin + 11, labelEnd);
    const footer = `-----END ${label}-----`;
    const end = text.indexOf(footer, labelEnd + 5);
    if (end < 0) break;
    blocks.push({ label, body: text.slice(labelEnd + 5, end) });
    from = end + footer.length;
  }
  return blocks;
}

/** Suggests *.pem files in the working directory (Probot would pick one up silently; we only point at it). */
function pemFilesHint(cwd: string): string {
  try {
    const pems = readdirSync(cwd).filter((name) => name.endsWith('.pem')).slice(0, 3);
    return pems.length === 0 ? '' : ` Found in ${JSON.stringify(cwd)}: ${pems.map((name) => JSON.stringify(name)).join(', ')}.`;
  } catch {
    return '';
  }
}

function settingsWarnings(env: NodeJS.ProcessEnv, gheHost: string | undefined, gheProtocol: string | undefined, secret: string): string[] {
  const warnings: string[] = [];
  if (isSet(env.REDIS_URL) && !isSet(env[REDIS_URL_VARIABLE])) {
    warnings.push(`REDIS_URL is used by Probot's own rate limiter only; set ${REDIS_URL_VARIABLE} to scale out review workers.`);
  }
  if (gheProtocol !== undefined && gheHost === undefined) {
    warnings.push(`GHE_PROTOCOL is set but GHE_HOST is not, so it is ignored and the app talks to ${GITHUB_API_URL}.`);
  }
  if (gheProtocol === 'http' && gheHost !== undefined && !/^(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])(?::\d+)?$/.test(gheHost)) {
    warnings.push(`GHE_PROTOCOL=http: tokens and code travel unencrypted to ${gheHost}; use https unless it is a test server on this machine.`);
  }
  if (secret.trim() !== secret) {
    warnings.push("WEBHOOK_SECRET starts or ends with whitespace: GitHub signs with the exact secret, so check that it matches your app's settings.");
  }
  if (secret.length < SHORT_SECRET_CHARS) {
    warnings.push(`WEBHOOK_SECRET is shorter than ${SHORT_SECRET_CHARS} characters: use a long random one (e.g. \`openssl rand -hex 32\`) here and in your app's settings.`);
  }
  return warnings;
}

/**
 * One error for all problems. Any secret that slipped into a message is cut out as a last line of
 * defence, and no `cause` is kept: it would carry the unscrubbed text.
 */
function settingsError(problems: Problem[], secrets: (string | undefined)[]): InvalidInputError {
  const scrub = (message: string) =>
    secrets.reduce<string>((text, secret) => (secret !== undefined && secret.length >= 8 ? text.split(secret).join(REDACTED) : text), message);
  const messages = problems.map((p) => scrub(p.message));
  const keys = [...new Set(problems.map((p) => p.key))];
  const message =
    messages.length === 1 ? messages[0]! : `${messages.length} problems with the GitHub App's settings:\n${messages.map((m) => `- ${m}`).join('\n')}`;
  return new InvalidInputError(message, { key: keys.join(', ') });
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString();
  } catch {
    return REDACTED;
  }
}
