import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { isSafe } from 'redos-detector';
import ts from 'typescript';
import {
  AGENT_KINDS,
  intentBodySchema,
  intentJsonSchema,
  intentSchema,
  parseCommand,
  requiredPermission,
  withPermission,
  type Intent,
  type IntentBody,
} from '../../../shared/intents/index.js';

const EXAMPLES = [
  'Spawn 3 security scanner agents for src/',
  'Create a code review swarm for my current changes',
  'Start a log watcher on logs/app.log',
  'Set all background agents to low-power mode',
  'Increase error monitoring sensitivity to critical',
  'Turn off the complexity agent for tests/',
  'Chain syntax -> security -> summary for all changed files',
  'Create pipeline: lint -> test -> report',
  'Set up cascade: if error then debug then fix then test',
  'How are the agents?',
  '/stop security-scanner-1',
  '/approve 12',
  '/deny',
  '/explain security/sql-injection',
  '/help spawn',
];

function bodyOf(intent: Intent): IntentBody {
  const { permission: _permission, ...body } = intent;
  return body as IntentBody;
}

describe('the JSON schema (a language model tool input)', () => {
  const schema = intentJsonSchema();
  const validate = new Ajv2020({ strict: false }).compile(schema);

  it('has one alternative per intent type', () => {
    const alternatives = schema['oneOf'] as { properties: { type: { const: string } } }[];
    expect(alternatives.map((a) => a.properties.type.const)).toEqual(['spawn', 'configure', 'orchestrate', 'monitor', 'stop', 'approve', 'deny', 'explain', 'help']);
  });

  it.each(EXAMPLES)('accepts the body the parser makes of %j', (text) => {
    const result = parseCommand(text);
    if (!result.ok) throw new Error(result.reason);
    expect(validate(bodyOf(result.intent))).toBe(true);
  });

  it.each<[string, unknown]>([
    ['too many agents', { type: 'spawn', agentKind: 'security-scanner', count: 1000, scope: {} }],
    ['an unknown kind', { type: 'spawn', agentKind: 'root-shell', count: 1, scope: {} }],
    ['a path out of the workspace', { type: 'spawn', agentKind: 'security-scanner', count: 1, scope: { paths: ['../etc'] } }],
    ['an absolute path', { type: 'spawn', agentKind: 'security-scanner', count: 1, scope: { paths: ['/etc'] } }],
    ['a shell in a path', { type: 'spawn', agentKind: 'security-scanner', count: 1, scope: { paths: ['src;rm -rf ~'] } }],
    ['an unknown key', { type: 'stop', agent: 'x', force: true }],
    ['a claimed permission', { type: 'help', permission: 'read_only' }],
    ['two settings', { type: 'configure', target: { agents: 'all' }, setting: { powerMode: 'low', enabled: false } }],
    ['an unknown step', { type: 'orchestrate', kind: 'chain', steps: ['syntax', 'deploy'] }],
  ])('refuses %s, as the zod schema does', (_name, value) => {
    expect(validate(value)).toBe(false);
    expect(intentBodySchema.safeParse(value).success).toBe(false);
  });
});

describe('permission levels', () => {
  it.each<[string, string]>([
    ['Spawn 3 security scanner agents for src/', 'read_only'],
    ['spawn a test runner', 'execute'],
    ['Turn off the complexity agent for tests/', 'read_write'],
    ['turn everything on', 'execute'],
    ['Create pipeline: lint -> test -> report', 'execute'],
    ['chain syntax -> fix', 'read_write'],
    ['How are the agents?', 'read_only'],
    ['stop the log watcher', 'read_write'],
    ['stop', 'execute'],
    ['approve', 'execute'],
    ['deny', 'read_write'],
  ])('%j needs %s', (text, level) => {
    const result = parseCommand(text);
    expect(result.ok && result.intent.permission).toBe(level);
  });

  it('cannot be understated by a producer', () => {
    const body: IntentBody = { type: 'spawn', agentKind: 'test-runner', count: 1, scope: {} };
    expect(requiredPermission(body)).toBe('execute');
    const understated = intentSchema.safeParse({ ...body, permission: 'read_only' });
    expect(understated.success).toBe(false);
    expect(understated.error?.issues[0]?.message).toContain('needs at least "execute"');
    // A host may raise it (e.g. an approval of a critical request).
    expect(intentSchema.safeParse({ ...body, permission: 'critical' }).success).toBe(true);
    expect(withPermission(body)).toEqual({ ...body, permission: 'execute' });
  });

  it('is never critical: the grammar has no destructive command', () => {
    for (const kind of AGENT_KINDS) expect(requiredPermission({ type: 'spawn', agentKind: kind, count: 1, scope: {} })).not.toBe('critical');
  });
});

describe('combinations the schema refuses', () => {
  it.each<[string, unknown, string]>([
    ['a file for a scanner', { type: 'spawn', agentKind: 'security-scanner', count: 1, scope: { file: 'app.log' } }, 'only a log-watcher follows a file'],
    ['a cascade without condition', { type: 'orchestrate', kind: 'cascade', steps: ['fix'] }, 'a cascade needs a condition'],
    ['a condition on a chain', { type: 'orchestrate', kind: 'chain', steps: ['syntax', 'fix'], condition: 'error' }, 'only a cascade has a condition'],
    ['a one-step pipeline', { type: 'orchestrate', kind: 'pipeline', steps: ['lint'] }, 'needs at least two steps'],
    ['".." in an explain target', { type: 'explain', target: 'security/../x' }, 'has no ".."'],
  ])('%s', (_name, value, message) => {
    const result = intentBodySchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join('; ')).toContain(message);
  });
});

describe('regular expressions of the parser', () => {
  // Every regex literal in shared/intents, found in the source so a new one cannot skip the check:
  // each must match in linear time (redos-detector finds no backtracking trail).
  const folder = join(process.cwd(), 'shared', 'intents');
  const literals = readdirSync(folder)
    .filter((name) => name.endsWith('.ts'))
    .flatMap((name) => {
      const source = ts.createSourceFile(name, readFileSync(join(folder, name), 'utf8'), ts.ScriptTarget.Latest);
      const found: { file: string; text: string }[] = [];
      const visit = (node: ts.Node): void => {
        if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) found.push({ file: name, text: node.getText(source) });
        node.forEachChild(visit);
      };
      visit(source);
      return found;
    });

  it('finds them', () => {
    expect(literals.length).toBeGreaterThanOrEqual(10);
  });

  it.each(literals.map((literal) => [literal.file, literal.text]))('%s %s is linear', (_file, text) => {
    const slash = text.lastIndexOf('/');
    const pattern = new RegExp(text.slice(1, slash), text.slice(slash + 1).replace('g', ''));
    const result = isSafe(pattern, { maxScore: 10 });
    expect({ pattern: text, safe: result.safe }).toEqual({ pattern: text, safe: true });
  });
});
