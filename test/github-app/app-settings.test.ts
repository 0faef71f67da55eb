import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createPrivateKey, createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_WEBHOOK_PATH,
  GITHUB_API_URL,
  REDACTED,
  appSettingsFromEnv,
  redactedSettings,
  type AppSettings,
} from '../../github-app/app-settings.js';
import { InvalidInputError } from '../../shared/errors/errors.js';

const SECRET = randomBytes(32).toString('hex');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PKCS1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const PKCS8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUBLIC = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
/** The key's base64 lines: none of them may appear in an error message or a log line. */
const KEY_LINES = [...PKCS1.split('\n'), ...PKCS8.split('\n')].filter((line) => line.length > 20 && !line.startsWith('-----'));

let cwd: string;

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'orchestra-app-settings-'));
  writeFileSync(join(cwd, 'app.pem'), PKCS1);
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** Environment variables as the process gets them: any text (Probot's typing of LOG_LEVEL does not bind the outside world). */
type RawEnv = Record<string, string | undefined>;

/** A complete, valid environment; tests override single variables. */
function env(overrides: RawEnv = {}): RawEnv {
  return { APP_ID: '123456', PRIVATE_KEY_PATH: 'app.pem', WEBHOOK_SECRET: SECRET, ...overrides };
}

function settings(overrides: RawEnv = {}): AppSettings {
  return appSettingsFromEnv(env(overrides) as NodeJS.ProcessEnv, { cwd });
}

function expectNoSecrets(text: string, extra: string[] = []): void {
  expect(text).not.toContain(SECRET);
  for (const line of KEY_LINES) expect(text).not.toContain(line);
  for (const value of extra) expect(text).not.toContain(value);
}

/** The InvalidInputError the environment is refused with; fails the test if it is accepted or throws anything else. */
function refusal(environment: RawEnv, options: { requireApp?: boolean; cwd?: string } = {}): InvalidInputError {
  try {
    appSettingsFromEnv(environment as NodeJS.ProcessEnv, { cwd, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    const invalid = error as InvalidInputError;
    expectNoSecrets(invalid.message);
    expect(invalid.cause).toBeUndefined();
    return invalid;
  }
  throw new Error(`accepted: ${JSON.stringify(Object.keys(environment))}`);
}

/** Signs with the parsed key and verifies with the generated public key: the key is really usable for RS256. */
function signsWith(privateKey: string): boolean {
  const signature = createSign('RSA-SHA256').update('jwt').sign(privateKey);
  return createVerify('RSA-SHA256').update('jwt').verify(PUBLIC, signature);
}

describe('appSettingsFromEnv: defaults', () => {
  it('fills in defaults and returns the key as PKCS#8 that signs', () => {
    const s = settings();
    expect(s).toEqual({
      appId: '123456',
      privateKey: PKCS8,
      webhookSecret: SECRET,
      baseUrl: GITHUB_API_URL,
      port: DEFAULT_PORT,
      host: DEFAULT_HOST,
      webhookPath: DEFAULT_WEBHOOK_PATH,
      logLevel: 'info',
      warnings: [],
    });
    expect(s.baseUrl).toBe('https://api.github.com');
    expect(s.port).toBe(3000);
    expect(s.host).toBe('127.0.0.1');
    expect(s.webhookPath).toBe('/api/github/webhooks');
    expect(signsWith(s.privateKey)).toBe(true);
  });

  it('treats empty variables as unset and trims the values that are not secrets', () => {
    const s = settings({ APP_ID: ' 42 ', PORT: '', HOST: '  ', WEBHOOK_PATH: '', LOG_LEVEL: ' DEBUG ', GHE_HOST: '', ORCHESTRA_REDIS_URL: '' });
    expect(s).toMatchObject({ appId: '42', port: 3000, host: '127.0.0.1', webhookPath: DEFAULT_WEBHOOK_PATH, logLevel: 'debug', baseUrl: GITHUB_API_URL });
    expect(s.redisUrl).toBeUndefined();
    expect(settings({ PRIVATE_KEY: ' \n ' }).privateKey).toBe(PKCS8); // a blank PRIVATE_KEY does not clash with PRIVATE_KEY_PATH
  });

  it('reads every variable', () => {
    const s = settings({
      PORT: '8080',
      HOST: '0.0.0.0',
      WEBHOOK_PATH: '/hooks/github',
      LOG_LEVEL: 'warn',
      GHE_HOST: 'GitHub.Example.com:8443',
      ORCHESTRA_REDIS_URL: 'redis://cache.internal:6390/2',
    });
    expect(s).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      webhookPath: '/hooks/github',
      logLevel: 'warn',
      baseUrl: 'https://github.example.com:8443/api/v3',
      redisUrl: 'redis://cache.internal:6390/2',
      warnings: [],
    });
  });
});

describe('appSettingsFromEnv: WEBHOOK_SECRET', () => {
  it('refuses to start without it, saying what to set', () => {
    const { WEBHOOK_SECRET: _unset, ...withoutSecret } = env();
    const error = refusal(withoutSecret);
    expect(error.message).toBe(
      "WEBHOOK_SECRET is not set: orchestra serve refuses to accept unsigned webhooks. Set it to the secret from your GitHub App's settings.",
    );
    expect(error.where.key).toBe('WEBHOOK_SECRET');
    expect(refusal(env({ WEBHOOK_SECRET: '' })).message).toMatch(/^WEBHOOK_SECRET is not set/);
    // Required even before the app is registered.
    expect(refusal({ WEBHOOK_SECRET: '' }, { requireApp: false }).message).toMatch(/^WEBHOOK_SECRET is not set/);
  });

  it("refuses a blank secret and Probot's public default", () => {
    expect(refusal(env({ WEBHOOK_SECRET: ' \t ' })).message).toMatch(/^WEBHOOK_SECRET is only whitespace/);
    expect(refusal(env({ WEBHOOK_SECRET: 'development' })).message).toMatch(/^WEBHOOK_SECRET is Probot's public default "development", which anyone can sign with/);
  });

  it('refuses a huge value without showing it', () => {
    const huge = `${SECRET}${'s'.repeat(1_000_000)}`;
    const error = refusal(env({ WEBHOOK_SECRET: huge }));
    expect(error.message).toBe(
      "WEBHOOK_SECRET is 1000064 characters long, more than 4096: set it to the secret from your GitHub App's settings.",
    );
  });

  it('keeps the secret exactly as given, and warns about whitespace and short secrets', () => {
    const s = settings({ WEBHOOK_SECRET: ` ${SECRET}\n` });
    expect(s.webhookSecret).toBe(` ${SECRET}\n`);
    expect(s.warnings).toEqual([expect.stringMatching(/^WEBHOOK_SECRET starts or ends with whitespace/)]);
    expect(settings({ WEBHOOK_SECRET: 'abc123' }).warnings).toEqual([expect.stringMatching(/^WEBHOOK_SECRET is shorter than 16 characters/)]);
  });
});

describe('appSettingsFromEnv: APP_ID', () => {
  it('must be set and be digits', () => {
    const { APP_ID: _unset, ...withoutId } = env();
    expect(refusal(withoutId).message).toMatch(/^APP_ID is not set: set it to the App ID shown on your GitHub App's settings page/);
    expect(refusal(env({ APP_ID: 'abc' })).message).toBe(
      'APP_ID is "abc": set the numeric App ID shown on your GitHub App\'s settings page (digits only, e.g. 123456).',
    );
    for (const bad of ['0', '0123', '-5', '1e5', '12 34', '١٢٣', '1234567890123456']) {
      expect(refusal(env({ APP_ID: bad })).message).toMatch(/^APP_ID is .*: set the numeric App ID/);
    }
  });

  it('recognises the client ID pasted by mistake', () => {
    expect(refusal(env({ APP_ID: 'Iv1.8a61f9b3a7aba766' })).message).toMatch(/^APP_ID is "Iv1\.8a61f9b3a7aba766", which is the app's Client ID/);
    expect(refusal(env({ APP_ID: 'Iv23.liAbCdEf' })).message).toMatch(/Client ID/);
  });

  it('shows only the size of a long value', () => {
    const error = refusal(env({ APP_ID: '9'.repeat(100_000) }));
    expect(error.message).toBe('APP_ID is a 100000-character value: set the numeric App ID shown on your GitHub App\'s settings page (e.g. 123456).');
  });
});

describe('appSettingsFromEnv: the private key', () => {
  const fromInline = (value: string) => settings({ PRIVATE_KEY_PATH: undefined, PRIVATE_KEY: value }).privateKey;

  it('accepts every form Probot accepts in PRIVATE_KEY, and a few more', () => {
    const forms: Record<string, string> = {
      'PKCS#1 PEM': PKCS1,
      'PKCS#8 PEM': PKCS8,
      'literal \\n escapes': PKCS1.trim().replace(/\n/g, '\\n'),
      'base64 of the PEM': Buffer.from(PKCS1).toString('base64'),
      'base64 wrapped at 76 columns': Buffer.from(PKCS1).toString('base64').replace(/.{76}/g, '$&\n'),
      'one line, newlines turned into spaces': PKCS1.trim().replace(/\n/g, ' '),
      'CRLF line ends': PKCS1.replace(/\n/g, '\r\n'),
      'surrounding quotes (docker --env-file keeps them)': `"${PKCS1.trim().replace(/\n/g, '\\n')}"`,
      'surrounding whitespace': `\n\n  ${PKCS1}  \n`,
      // Probot's setup page writes PRIVATE_KEY="…\n…" to .env; orchestra serve reads .env with util.parseEnv.
      'as Probot writes it to .env': parseEnv(`PRIVATE_KEY="${PKCS1.replace(/\n/g, '\\n')}"\n`).PRIVATE_KEY ?? '',
    };
    for (const [form, value] of Object.entries(forms)) {
      expect([form, fromInline(value)]).toEqual([form, PKCS8]);
    }
  });

  it('reads PRIVATE_KEY_PATH relative to the given cwd, or absolute', () => {
    expect(settings({ PRIVATE_KEY_PATH: './app.pem' }).privateKey).toBe(PKCS8);
    expect(appSettingsFromEnv(env({ PRIVATE_KEY_PATH: join(cwd, 'app.pem') }), { cwd: tmpdir() }).privateKey).toBe(PKCS8);
    const nested = join(cwd, 'keys');
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(nested, 'pkcs8.pem'), PKCS8);
    expect(settings({ PRIVATE_KEY_PATH: 'keys/pkcs8.pem' }).privateKey).toBe(PKCS8);
  });

  it('says which path it could not read', () => {
    const missing = refusal(env({ PRIVATE_KEY_PATH: 'keys/missing.pem' }));
    expect(missing.message).toBe(
      `PRIVATE_KEY_PATH points to ${JSON.stringify(join(cwd, 'keys/missing.pem'))}, which does not exist: set it to the private key (.pem) generated under "Private keys" in your GitHub App's settings (a relative path is resolved against the working directory).`,
    );
    expect(missing.where.key).toBe('PRIVATE_KEY_PATH');
    expect(refusal(env({ PRIVATE_KEY_PATH: cwd })).message).toMatch(/^PRIVATE_KEY_PATH points to ".*", which is not a regular file/);
    expect(refusal(env({ PRIVATE_KEY_PATH: 'app.pem/inside' })).message).toMatch(/which does not exist/);
    expect(refusal(env({ PRIVATE_KEY_PATH: '/dev/zero' })).message).toMatch(/^PRIVATE_KEY_PATH points to "\/dev\/zero", which is not a regular file/);
    expect(refusal(env({ PRIVATE_KEY_PATH: 'bad\u0000path' })).message).toMatch(/^PRIVATE_KEY_PATH points to .*, which cannot be read/);
  });

  it('refuses a file that is too big or not a key, without showing its contents', () => {
    writeFileSync(join(cwd, 'big.pem'), `${PKCS1}\n${'A'.repeat(100_000)}`);
    expect(refusal(env({ PRIVATE_KEY_PATH: 'big.pem' })).message).toMatch(/^PRIVATE_KEY_PATH points to ".*big\.pem", a file of 101\d+ bytes, too big for a private key/);
    writeFileSync(join(cwd, 'public.pem'), PUBLIC);
    expect(refusal(env({ PRIVATE_KEY_PATH: 'public.pem' })).message).toMatch(/^PRIVATE_KEY_PATH \(".*public\.pem"\) holds a PEM "PUBLIC KEY", not a private key/);
    writeFileSync(join(cwd, 'notes.txt'), 'remember to rotate the key');
    expect(refusal(env({ PRIVATE_KEY_PATH: 'notes.txt' })).message).toMatch(/^PRIVATE_KEY_PATH \(".*notes\.txt"\) holds no complete PEM private key/);
  });

  it('refuses garbage, damaged, foreign and protected keys without echoing them', () => {
    const lines = PKCS1.trim().split('\n');
    const cases: [string, RegExp][] = [
      ['not a key', /^PRIVATE_KEY does not hold a PEM private key: paste the whole \.pem file/],
      [Buffer.from('hello world!').toString('base64'), /^PRIVATE_KEY looks base64-encoded but does not decode to a PEM key/],
      [lines.slice(0, 10).join('\n'), /^PRIVATE_KEY holds no complete PEM private key/],
      [[lines[0], ...lines.slice(1, -1).slice(0, 5), lines.at(-1)].join('\n'), /^PRIVATE_KEY does not parse as a private key/],
      [[lines[0], 'this is ( not base64 )', lines.at(-1)].join('\n'), /^PRIVATE_KEY holds a damaged PEM block/],
      [PUBLIC, /^PRIVATE_KEY holds a PEM "PUBLIC KEY", not a private key/],
      [
        generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        /^PRIVATE_KEY holds a key of type ec, but GitHub App keys are RSA \(RS256\)/,
      ],
      [
        generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        /^PRIVATE_KEY holds a key of type ed25519/,
      ],
      [
        rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString(),
        /^PRIVATE_KEY holds a passphrase-protected key/,
      ],
      [
        rsa.privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString(),
        /^PRIVATE_KEY holds a passphrase-protected key/,
      ],
      ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----', /^PRIVATE_KEY holds an OpenSSH key/],
      [`${PKCS1}${'x'.repeat(20_000)}`, /^PRIVATE_KEY is 21\d{3} characters long, more than 16384/],
    ];
    for (const [value, expected] of cases) {
      const error = refusal(env({ PRIVATE_KEY_PATH: undefined, PRIVATE_KEY: value }));
      expect([value.slice(0, 30), error.message]).toEqual([value.slice(0, 30), expect.stringMatching(expected)]);
      expect(error.where.key).toBe('PRIVATE_KEY');
      if (value.length > 30) expect(error.message).not.toContain(value.slice(-30));
    }
  });

  it('refuses PRIVATE_KEY and PRIVATE_KEY_PATH together', () => {
    const error = refusal(env({ PRIVATE_KEY: PKCS1 }));
    expect(error.message).toMatch(/^PRIVATE_KEY and PRIVATE_KEY_PATH are both set: unset one of them/);
  });

  it('asks for a key when none is set, and points at a .pem it sees', () => {
    const error = refusal(env({ PRIVATE_KEY_PATH: undefined }));
    expect(error.message).toMatch(/^PRIVATE_KEY_PATH and PRIVATE_KEY are not set: set PRIVATE_KEY_PATH to the private key \(\.pem\)/);
    expect(error.message).toContain('Found in');
    expect(error.message).toContain('"app.pem"');
    const empty = mkdtempSync(join(tmpdir(), 'orchestra-app-settings-empty-'));
    try {
      expect(refusal(env({ PRIVATE_KEY_PATH: undefined }), { cwd: empty }).message).not.toContain('Found in');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('requireApp: false lets APP_ID and the key both be missing, but not just one', () => {
    const s = appSettingsFromEnv({ WEBHOOK_SECRET: SECRET }, { cwd, requireApp: false });
    expect(s.appId).toBeUndefined();
    expect(s.privateKey).toBeUndefined();
    expect(s.webhookSecret).toBe(SECRET);
    expect(appSettingsFromEnv(env(), { cwd, requireApp: false })).toMatchObject({ appId: '123456', privateKey: PKCS8 });
    expect(refusal({ WEBHOOK_SECRET: SECRET, APP_ID: '1' }, { requireApp: false }).message).toMatch(/^APP_ID is set but no private key is/);
    expect(refusal({ WEBHOOK_SECRET: SECRET, PRIVATE_KEY_PATH: 'app.pem' }, { requireApp: false }).message).toMatch(/^APP_ID is not set but a private key is/);
    // What is given is still checked.
    expect(refusal(env({ APP_ID: 'x' }), { requireApp: false }).message).toMatch(/^APP_ID is "x"/);
    expect(refusal(env({ PRIVATE_KEY_PATH: 'nope.pem' }), { requireApp: false }).message).toMatch(/^PRIVATE_KEY_PATH points to/);
  });
});

describe('appSettingsFromEnv: GitHub Enterprise Server', () => {
  it('builds the REST base URL from GHE_HOST and GHE_PROTOCOL', () => {
    expect(settings({ GHE_HOST: 'github.example.com' }).baseUrl).toBe('https://github.example.com/api/v3');
    expect(settings({ GHE_HOST: 'github.example.com', GHE_PROTOCOL: 'HTTPS' }).baseUrl).toBe('https://github.example.com/api/v3');
    expect(settings({ GHE_HOST: '127.0.0.1:4010', GHE_PROTOCOL: 'http' })).toMatchObject({ baseUrl: 'http://127.0.0.1:4010/api/v3', warnings: [] });
    expect(settings({ GHE_HOST: '[::1]:8443' }).baseUrl).toBe('https://[::1]:8443/api/v3');
  });

  it('warns about plain http to another machine and about a protocol without a host', () => {
    expect(settings({ GHE_HOST: 'ghe.corp', GHE_PROTOCOL: 'http' }).warnings).toEqual([expect.stringMatching(/^GHE_PROTOCOL=http: tokens and code travel unencrypted to ghe\.corp/)]);
    expect(settings({ GHE_PROTOCOL: 'http' })).toMatchObject({
      baseUrl: GITHUB_API_URL,
      warnings: [expect.stringMatching(/^GHE_PROTOCOL is set but GHE_HOST is not, so it is ignored/)],
    });
  });

  it('refuses a host with a scheme, path, credentials or a bad port, and github.com itself', () => {
    const cases: [string, RegExp][] = [
      ['https://github.example.com', /^GHE_HOST is "https:\/\/github\.example\.com": give the host name only, without "http\(s\):\/\/"/],
      ['github.example.com/api/v3', /^GHE_HOST is "github\.example\.com\/api\/v3": give the host name only, without a path .* Orchestra adds \/api\/v3 itself/],
      ['user:pass@github.example.com', /without credentials/],
      ['github.example.com:0', /with an optional port from 1 to 65535/],
      ['github.example.com:99999', /with an optional port from 1 to 65535/],
      ['github example.com', /^GHE_HOST is "github example\.com": set the host name/],
      ['-github.example.com', /set the host name/],
      ['github.com', /^GHE_HOST is "github\.com": unset GHE_HOST for github\.com/],
      ['API.GitHub.com', /unset GHE_HOST for github\.com/],
      ['a'.repeat(5_000), /^GHE_HOST is 5000 characters long, more than 300/],
    ];
    for (const [host, expected] of cases) {
      const error = refusal(env({ GHE_HOST: host }));
      expect([host.slice(0, 40), error.message]).toEqual([host.slice(0, 40), expect.stringMatching(expected)]);
      expect(error.where.key).toBe('GHE_HOST');
    }
    expect(refusal(env({ GHE_HOST: 'ghe.corp', GHE_PROTOCOL: 'ftp' })).message).toMatch(/^GHE_PROTOCOL is "ftp": set "https" \(or "http"/);
    expect(refusal(env({ GHE_HOST: 'ghe.corp', GHE_PROTOCOL: 'https://' })).message).toMatch(/^GHE_PROTOCOL is "https:\/\/"/);
  });
});

describe('appSettingsFromEnv: the server', () => {
  it('PORT is an integer from 0 to 65535; 0 stays 0 (a free port), unlike Probot', () => {
    expect(settings({ PORT: '0' }).port).toBe(0);
    expect(settings({ PORT: '65535' }).port).toBe(65_535);
    expect(settings({ PORT: ' 8080 ' }).port).toBe(8080);
    for (const bad of ['65536', '-1', '3.5', '80abc', '0x50', 'NaN', '1e3']) {
      expect(refusal(env({ PORT: bad })).message).toBe(
        `PORT is ${JSON.stringify(bad)}: set a whole number from 0 to 65535 (0 picks a free port), or unset it for 3000.`,
      );
    }
    expect(refusal(env({ PORT: '9'.repeat(400) })).message).toMatch(/^PORT is a 400-character value: set a whole number/);
  });

  it('HOST is an address or host name to listen on', () => {
    for (const host of ['0.0.0.0', '::', '::1', 'localhost', 'app.internal', '10.0.0.7']) expect(settings({ HOST: host }).host).toBe(host);
    for (const bad of ['http://0.0.0.0', '[::1]', '0.0.0.0:3000', 'a b', 'x'.repeat(300)]) {
      expect(refusal(env({ HOST: bad })).message).toMatch(/^HOST is .*: set the address to listen on/);
    }
  });

  it('WEBHOOK_PATH is a plain path that does not take /healthz or /metrics', () => {
    expect(settings({ WEBHOOK_PATH: '/github/events' }).webhookPath).toBe('/github/events');
    for (const bad of ['api/github/webhooks', '/hooks?x=1', '/hooks#x', '/a b', `/${'a'.repeat(3_000)}`]) {
      expect(refusal(env({ WEBHOOK_PATH: bad })).message).toMatch(/^WEBHOOK_PATH is .*: set a URL path that starts with "\/"/);
    }
    expect(refusal(env({ WEBHOOK_PATH: '/metrics' })).message).toMatch(/^WEBHOOK_PATH is "\/metrics", a path the app's server answers itself/);
    expect(refusal(env({ WEBHOOK_PATH: '/healthz/' })).message).toMatch(/a path the app's server answers itself/);
  });

  it('LOG_LEVEL is one of pino\'s levels', () => {
    expect(settings({ LOG_LEVEL: 'TRACE' }).logLevel).toBe('trace');
    expect(refusal(env({ LOG_LEVEL: 'verbose' })).message).toBe('LOG_LEVEL is "verbose": set one of trace, debug, info, warn, error, fatal (unset means info).');
  });
});

describe('appSettingsFromEnv: Redis', () => {
  it('reads ORCHESTRA_REDIS_URL with the queue\'s own validation', () => {
    expect(settings({ ORCHESTRA_REDIS_URL: ' rediss://:pw@cache:6380/1 ' }).redisUrl).toBe('rediss://:pw@cache:6380/1');
    expect(refusal(env({ ORCHESTRA_REDIS_URL: 'localhost:6379' })).message).toMatch(/^ORCHESTRA_REDIS_URL must use redis: or rediss:/);
    expect(refusal(env({ ORCHESTRA_REDIS_URL: 'redis://h/db1' })).message).toMatch(/^ORCHESTRA_REDIS_URL names database "db1"/);
  });

  it('never shows a Redis URL it cannot parse (it may hold a password)', () => {
    const password = 'hunter2-correct-horse';
    const error = refusal(env({ ORCHESTRA_REDIS_URL: `redis://admin:${password}@cache host:6379` }), {});
    expect(error.message).toMatch(/^ORCHESTRA_REDIS_URL is not a URL \(".*"\)/);
    expect(error.message).not.toContain(password);
  });

  it('warns when only REDIS_URL (Probot\'s rate limiter) is set', () => {
    expect(settings({ REDIS_URL: 'redis://cache:6379' }).warnings).toEqual([
      "REDIS_URL is used by Probot's own rate limiter only; set ORCHESTRA_REDIS_URL to scale out review workers.",
    ]);
    const both = settings({ REDIS_URL: 'redis://cache:6379', ORCHESTRA_REDIS_URL: 'redis://cache:6379/1' });
    expect(both.warnings).toEqual([]);
    expect(both.redisUrl).toBe('redis://cache:6379/1');
  });
});

describe('appSettingsFromEnv: all problems at once', () => {
  it('collects every problem into one message, one line per variable', () => {
    const error = refusal({
      APP_ID: 'my-app',
      PRIVATE_KEY: 'garbage',
      WEBHOOK_SECRET: '',
      GHE_HOST: 'https://ghe.corp',
      PORT: '70000',
      HOST: 'http://x',
      LOG_LEVEL: 'loud',
      ORCHESTRA_REDIS_URL: 'http://cache',
    });
    const lines = error.message.split('\n');
    expect(lines[0]).toBe("8 problems with the GitHub App's settings:");
    expect(lines.slice(1).map((line) => /^- ([A-Z_]+) /.exec(line)?.[1]).sort()).toEqual(
      ['APP_ID', 'GHE_HOST', 'HOST', 'LOG_LEVEL', 'ORCHESTRA_REDIS_URL', 'PORT', 'PRIVATE_KEY', 'WEBHOOK_SECRET'].sort(),
    );
    expect(error.where.key?.split(', ').sort()).toEqual(
      ['APP_ID', 'GHE_HOST', 'HOST', 'LOG_LEVEL', 'ORCHESTRA_REDIS_URL', 'PORT', 'PRIVATE_KEY', 'WEBHOOK_SECRET'].sort(),
    );
  });

  it('an empty environment gets the three things to set', () => {
    const error = refusal({});
    expect(error.message.split('\n')).toEqual([
      "3 problems with the GitHub App's settings:",
      expect.stringMatching(/^- APP_ID is not set/),
      expect.stringMatching(/^- PRIVATE_KEY_PATH and PRIVATE_KEY are not set/),
      expect.stringMatching(/^- WEBHOOK_SECRET is not set/),
    ]);
  });

  it('cuts the secret or the key out of a message even when it was put in the wrong variable', () => {
    const shortSecret = 'Sw0rdf1sh 2024!';
    const error = refusal({ ...env({ WEBHOOK_SECRET: shortSecret }), HOST: shortSecret, PORT: SECRET, LOG_LEVEL: PKCS1 });
    expectNoSecrets(error.message, [shortSecret]);
    expect(error.message).toContain(`HOST is "${REDACTED}"`);
    expect(error.message).toContain('PORT is a 64-character value');
    expect(error.message).toMatch(/LOG_LEVEL is a \d+-character value/);
  });

  it('any value in any variable is either accepted or refused with an InvalidInputError that leaks nothing', () => {
    const variables = ['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH', 'WEBHOOK_SECRET', 'GHE_HOST', 'GHE_PROTOCOL', 'PORT', 'HOST', 'WEBHOOK_PATH', 'ORCHESTRA_REDIS_URL', 'LOG_LEVEL', 'REDIS_URL'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...variables), fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', ' ', '0', '/', '\\n', '-----BEGIN PRIVATE KEY-----'))), (overrides) => {
        const environment = { ...env(), ...overrides };
        try {
          const s = appSettingsFromEnv(environment as NodeJS.ProcessEnv, { cwd });
          expectNoSecrets(JSON.stringify(redactedSettings(s)), [s.webhookSecret.length >= 8 ? s.webhookSecret : SECRET]);
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error;
          expectNoSecrets(error.message);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('redactedSettings', () => {
  it('replaces the key and the secret and strips Redis credentials', () => {
    const s = settings({ ORCHESTRA_REDIS_URL: 'rediss://queue-user:s3cr3t-pass@cache.internal:6380/2?password=again' });
    const redacted = redactedSettings(s);
    expect(redacted).toEqual({ ...s, privateKey: '[redacted]', webhookSecret: '[redacted]', redisUrl: 'rediss://cache.internal:6380/2' });
    const logged = JSON.stringify(redacted);
    expectNoSecrets(logged, ['s3cr3t-pass', 'queue-user', 'again', 'PRIVATE KEY']);
    // The settings themselves are untouched.
    expect(s.privateKey).toBe(PKCS8);
    expect(s.webhookSecret).toBe(SECRET);
    redacted.warnings.push('x');
    expect(s.warnings).toEqual([]);
  });

  it('leaves out what was not set', () => {
    const redacted = redactedSettings(appSettingsFromEnv({ WEBHOOK_SECRET: SECRET }, { cwd, requireApp: false }));
    expect(redacted).not.toHaveProperty('privateKey');
    expect(redacted).not.toHaveProperty('redisUrl');
    expect(redacted.webhookSecret).toBe(REDACTED);
  });
});

describe('the parsed key', () => {
  it('is the same key GitHub would verify the app\'s JWT with', () => {
    const s = settings({ PRIVATE_KEY_PATH: undefined, PRIVATE_KEY: Buffer.from(PKCS1).toString('base64') });
    expect(createPrivateKey(s.privateKey).export({ type: 'pkcs1', format: 'pem' })).toBe(PKCS1);
    expect(signsWith(s.privateKey)).toBe(true);
  });
});
