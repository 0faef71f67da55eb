import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type CreateLoggerOptions, type LogLevel } from '../../../shared/telemetry/create-logger.js';
import { InvalidInputError } from '../../../shared/errors/errors.js';

const githubToken = `ghp_${'Ab1Cd2Ef3G'.repeat(4)}`;
const bearer = `Bearer ${'x9Y8z7W6v5'.repeat(3)}`;

/** A logger writing into memory; `lines()` parses what it wrote. */
function memoryLogger(options: Partial<CreateLoggerOptions> = {}) {
  const written: string[] = [];
  const logger = createLogger({ name: 'test', level: 'trace', destination: { write: (line: string) => void written.push(line) }, ...options });
  return {
    logger,
    raw: () => written.join(''),
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('createLogger: secrets never reach the output', () => {
  it('redacts a GitHub token in the message and in format arguments', () => {
    const { logger, raw, lines } = memoryLogger();
    logger.info(`pushing with ${githubToken}`);
    logger.info('token is %s', githubToken);
    logger.info('payload %j', { auth: { token: githubToken } });
    expect(raw()).not.toContain(githubToken);
    expect(lines()[0]!['msg']).toMatch(/^pushing with \[REDACTED/);
  });

  it('redacts Authorization headers at any depth, whatever the case', () => {
    const { logger, raw, lines } = memoryLogger();
    logger.info({ req: { method: 'GET', headers: { authorization: bearer } } }, 'request');
    logger.info({ headers: { Authorization: bearer } }, 'top-level headers');
    logger.info({ a: { b: { c: { headers: { authorization: `token ${githubToken}` } } } } }, 'deep');
    logger.info({ note: `sent Authorization: ${bearer}` }, 'in a string');
    const text = raw();
    expect(text).not.toContain('x9Y8z7W6v5');
    expect(text).not.toContain(githubToken);
    expect((lines()[0]!['req'] as { method: string }).method).toBe('GET');
  });

  it('redacts password fields, nested or not, and keeps the rest', () => {
    const { logger, raw, lines } = memoryLogger();
    logger.info({ password: 'hunter2-top', user: 'ada' }, 'login');
    logger.info({ db: { host: 'localhost', password: 'hunter2-nested' } }, 'connect');
    logger.info({ config: { deep: { deeper: { password: 'hunter2-deep' } } } }, 'deep');
    logger.info('connecting with password=hunter2-inline');
    const text = raw();
    expect(text).not.toMatch(/hunter2/);
    expect(lines()[0]).toMatchObject({ user: 'ada', msg: 'login' });
    expect(lines()[1]).toMatchObject({ db: { host: 'localhost' } });
  });

  it('redacts child logger bindings and base fields', () => {
    const { logger, raw } = memoryLogger({ base: { apiKey: 'base-key-123456' } });
    logger.child({ token: 'child-token-abcdef', agent: 'sec' }).info('from child');
    const text = raw();
    expect(text).not.toContain('child-token-abcdef');
    expect(text).not.toContain('base-key-123456');
    expect(text).toContain('"agent":"sec"');
  });

  it('redacts errors: message, stack, cause, and the msg pino derives from them', () => {
    const { logger, raw, lines } = memoryLogger();
    const error = new Error(`request failed with ${githubToken}`, { cause: new Error(`cause had ${bearer}`) });
    logger.error(error);
    logger.error({ err: error }, 'while fetching');
    logger.warn({ error }, 'as error field');
    const text = raw();
    expect(text).not.toContain(githubToken);
    expect(text).not.toContain('x9Y8z7W6v5');
    const [first, second] = lines();
    expect(first!['msg']).toMatch(/^request failed with \[REDACTED/);
    expect(first!['err']).toMatchObject({ type: 'Error', message: expect.stringContaining('request failed with') });
    expect(second!['msg']).toBe('while fetching');
  });

  it('never writes a generated GitHub token, wherever it is logged', () => {
    const token = fc
      .tuple(fc.constantFrom('ghp_', 'gho_', 'ghs_'), fc.stringMatching(/^[A-Za-z0-9]{36}$/))
      .map(([prefix, body]) => prefix + body);
    const text = fc.stringMatching(/^[a-z ]{0,20}$/);
    fc.assert(
      fc.property(token, text, text, fc.constantFrom('msg', 'arg', 'field', 'nested', 'error'), (secret, before, after, where) => {
        const { logger, raw } = memoryLogger();
        const value = `${before}${secret}${after}`;
        if (where === 'msg') logger.info(value);
        else if (where === 'arg') logger.info('value %s', value);
        else if (where === 'field') logger.info({ detail: value }, 'x');
        else if (where === 'nested') logger.info({ a: [{ b: value }] }, 'x');
        else logger.error(new Error(value));
        expect(raw()).not.toContain(secret);
      }),
      { numRuns: 200 },
    );
  });
});

describe('createLogger: options', () => {
  it('honours the level', () => {
    const { logger, lines } = memoryLogger({ level: 'warn' });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines().map((l) => l['msg'])).toEqual(['shown']);
    expect(lines()[0]).toMatchObject({ name: 'test', level: 40 });
  });

  it('rejects an unknown level or an empty name with a clear error', () => {
    expect(() => createLogger({ name: 'x', level: 'verbose' as LogLevel })).toThrow(InvalidInputError);
    expect(() => createLogger({ name: 'x', level: 'verbose' as LogLevel })).toThrow(/Unknown log level "verbose": use one of trace, debug, info/);
    expect(() => createLogger({ name: ' ' })).toThrow(/non-empty name/);
  });

  it('writes to a file path, creating the folder, and closes it on dispose', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orchestra-log-'));
    dirs.push(dir);
    const file = join(dir, 'logs', 'orchestra.log');
    const logger = createLogger({ name: 'file', destination: file });
    logger.info({ password: 'file-secret-1' }, 'to disk');
    logger.dispose();
    logger.dispose();
    const text = await readFile(file, 'utf8');
    expect(text).toContain('"msg":"to disk"');
    expect(text).not.toContain('file-secret-1');
  });
});
