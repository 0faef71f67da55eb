import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { configJsonSchema, generateJsonSchema, JSON_SCHEMA_PATH } from '../../../shared/config/generate-json-schema.js';
import { validateConfig } from '../../../shared/config/parse-config.js';

const repoRoot = process.cwd();
const temporary: string[] = [];
afterAll(async () => {
  await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the committed JSON schema', () => {
  it('is in sync with the zod schema (regenerate with generateJsonSchema() when this fails)', async () => {
    const result = await generateJsonSchema({ rootDir: repoRoot, mode: 'check' });
    expect(result.file).toBe(join(repoRoot, JSON_SCHEMA_PATH));
    const committed = await readFile(result.file, 'utf8');
    expect(committed).toBe(result.text);
    expect(result.upToDate).toBe(true);
  });

  it('describes every key', () => {
    const missing: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      const schema = node as Record<string, unknown>;
      const properties = schema['properties'] as Record<string, Record<string, unknown>> | undefined;
      for (const [key, child] of Object.entries(properties ?? {})) {
        const childPath = path ? `${path}.${key}` : key;
        if (typeof child['description'] !== 'string' || child['description'].length < 10) missing.push(childPath);
        visit(child, childPath);
      }
    };
    visit(configJsonSchema(), '');
    expect(missing).toEqual([]);
  });
});

describe('the JSON schema and the zod schema agree', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(configJsonSchema());

  it.each([
    ['empty', {}],
    ['typical', { review: { failOn: 'warning', filter: 'file', rules: { 'security/x': 'off' }, agents: { tests: { run: true } } }, llm: { provider: 'openai', model: 'gpt-4o-mini' } }],
    ['grants', { permissions: { grants: { 'rollback-agent': 'critical' }, trustedRepository: true } }],
    ['error swarm', { error: { logs: ['logs/*.log'], sensitivity: 'high', bisect: { maxRuns: 5 } } }],
  ])('both accept the %s config', (_name, config) => {
    expect(validate(config)).toBe(true);
    expect(validateConfig(JSON.stringify(config), 'a.json').ok).toBe(true);
  });

  it.each([
    ['an unknown key', { reviw: {} }],
    ['a wrong enum value', { review: { failOn: 'sometimes' } }],
    ['a wrong type', { github: { checkRun: 'yes' } }],
    ['an out-of-range number', { background: { cpuBudgetPercent: 0 } }],
    ['a non-integer', { memory: { ttlDays: 1.5 } }],
    ['a bad rule id', { review: { rules: { 'bad rule': 'off' } } }],
    ['a bad permission level', { permissions: { grants: { a: 'root' } } }],
    ['an unknown agent', { review: { agents: { lint: {} } } }],
    ['a non-http base URL', { llm: { baseUrl: 'ftp://example.com' } }],
  ])('both reject %s', (_name, config) => {
    expect(validate(config)).toBe(false);
    expect(validateConfig(JSON.stringify(config), 'a.json').ok).toBe(false);
  });
});

describe('generateJsonSchema', () => {
  it('writes the file once, then reports it up to date', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orchestra-schema-'));
    temporary.push(dir);
    const first = await generateJsonSchema({ rootDir: dir });
    expect(first).toMatchObject({ written: true, upToDate: false, file: join(dir, JSON_SCHEMA_PATH) });
    expect(JSON.parse(await readFile(first.file, 'utf8'))).toEqual(first.schema);
    const second = await generateJsonSchema({ rootDir: dir });
    expect(second).toMatchObject({ written: false, upToDate: true });
  });

  it('check mode reports a stale file without touching it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orchestra-schema-'));
    temporary.push(dir);
    const file = join(dir, 'out.json');
    await writeFile(file, '{}\n');
    const result = await generateJsonSchema({ outFile: file, mode: 'check' });
    expect(result).toMatchObject({ upToDate: false, written: false });
    expect(await readFile(file, 'utf8')).toBe('{}\n');
  });

  it('honours an aborted signal', async () => {
    await expect(generateJsonSchema({ rootDir: tmpdir(), signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'CancelledError' });
  });
});
