import { describe, expect, it } from '@jest/globals';
import { parseConfig, DEFAULT_MAX_CONFIG_BYTES } from '../../../shared/config/parse-config.js';
import { InvalidInputError } from '../../../shared/errors/errors.js';

function messageOf(text: string, file: string): string {
  try {
    parseConfig(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error('expected parseConfig to throw');
}

describe('malformed files', () => {
  it.each([
    ['{"review": {"failOn": "error",}}', '1:31', "expected a double-quoted property name, found '}'"],
    ['{\n  "review": {\n    "failOn": \n  }\n}', '4:3', "expected a value (object, array, string, number, true, false or null), found '}'"],
    ['{"review": {"failOn": "error"}', '1:31', "expected ',' or '}', found end of file"],
    ['{"a": "line\nbreak"}', '1:12', 'strings cannot span lines'],
    ["{'review': {}}", '1:2', 'expected a double-quoted property name'],
    ['{} {}', '1:4', 'expected end of file (one top-level value only)'],
    ['[1, 2,]', '1:7', "found ']'"],
  ])('JSON %j is reported at %s', (text, position, expected) => {
    const message = messageOf(text, 'orchestra.config.json');
    expect(message).toContain(`orchestra.config.json:${position}: invalid JSON`);
    expect(message).toContain(expected);
  });

  it('reports YAML syntax errors with line:col, all of them', () => {
    const message = messageOf('review: [1, 2\nllm: "x\n', 'orchestra.config.yaml');
    expect(message).toContain('(2 problems)');
    expect(message).toContain('orchestra.config.yaml:2:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented');
    expect(message).toContain('orchestra.config.yaml:3:1: YAML syntax error: Missing closing "quote');
  });

  it('refuses duplicate keys, several documents and unknown tags in YAML', () => {
    expect(messageOf('github: {}\ngithub: {}\n', 'a.yml')).toContain('a.yml:2:1: the key "github" appears twice in the same mapping');
    expect(messageOf('review:\n  rules: { a: off, "a": error }\n', 'a.yml')).toContain('a.yml:2:20: the key "a" appears twice');
    expect(messageOf('github: {}\n---\ngithub: {}\n', 'a.yml')).toMatch(/YAML syntax error: Source contains multiple documents/);
    expect(messageOf('github: !!js/function "return 1"\n', 'a.yml')).toContain('Unresolved tag');
  });

  it('refuses collection and alias keys in YAML', () => {
    expect(messageOf('? [a, b]\n: 1\n', 'a.yml')).toContain('a.yml:1:3: a key must be a plain name, not a list, mapping or alias');
    expect(messageOf('x: &k review\n*k : {}\n', 'a.yml')).toContain('a.yml:2:1: a key must be a plain name');
  });
});

describe('resource exhaustion', () => {
  it('refuses a file above the size limit', () => {
    const text = `# ${'x'.repeat(DEFAULT_MAX_CONFIG_BYTES)}\n`;
    expect(messageOf(text, 'a.yml')).toContain(`config files are limited to ${DEFAULT_MAX_CONFIG_BYTES} bytes`);
  });

  it('honours a custom size limit', () => {
    expect(() => parseConfig('{"github": {}}', 'a.json', { maxBytes: 10 })).toThrow(/the file is 14 bytes; config files are limited to 10 bytes/);
  });

  it('refuses a YAML alias bomb (billion laughs)', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [name, previous] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f'], ['h', 'g'], ['i', 'h']]) {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    expect(messageOf(lines.join('\n'), 'bomb.yaml')).toContain('looks like an alias bomb');
  });

  it('allows a few aliases', () => {
    const text = 'review:\n  ignore: &globs ["dist/**"]\nerror:\n  logs: *globs\n';
    expect(parseConfig(text, 'a.yml').error.logs).toEqual(['dist/**']);
  });

  it('refuses deep nesting in JSON without exhausting the stack', () => {
    const depth = 5000;
    const text = `${'{"x":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const message = messageOf(text, 'a.json');
    expect(message).toContain('nested more than 32 levels deep');
  });

  // Deep enough to make the yaml parser abort the whole process (a V8 fatal error, not an exception)
  // if the text reached it: the depth check must refuse these before parsing.
  it.each([
    ['flow collections', `x: ${'['.repeat(60_000)}${']'.repeat(60_000)}\n`],
    ['explicit keys', `${'? '.repeat(60_000)}x\n`],
    ['compact sequences', `${'- '.repeat(60_000)}x\n`],
  ])('refuses pathological YAML nesting of %s before parsing', (_name, text) => {
    expect(messageOf(text, 'a.yml')).toContain('a.yml: the file nests more than 64 levels deep');
  });

  it('does not re-read deeply nested JSON as YAML to locate issues', () => {
    const depth = 60_000;
    const message = messageOf(`{"x": ${'['.repeat(depth)}${']'.repeat(depth)}}`, 'a.json');
    expect(message).toMatch(/a\.json x(\[0\]){31}: nested more than 32 levels deep/);
    expect(message).toContain('a.json x: unknown key');
  });

  it('lists at most 30 problems but counts them all', () => {
    const logs = Array.from({ length: 120 }, () => '""');
    const message = messageOf(`{"error": {"logs": [${logs.join(',')}]}}`, 'a.json');
    expect(message).toContain('(120 problems)');
    expect(message).toContain('... and 90 more');
  });
});

describe('prototype pollution', () => {
  it.each([
    ['{"__proto__": {"polluted": true}}', 'a.json', '__proto__'],
    ['{"review": {"rules": {"__proto__": "off"}}}', 'a.json', 'review.rules.__proto__'],
    ['{"permissions": {"grants": {"constructor": "critical"}}}', 'a.json', 'permissions.grants.constructor'],
    ['__proto__:\n  polluted: true\n', 'a.yml', '__proto__'],
    ['review:\n  rules:\n    __proto__: off\n', 'a.yml', 'review.rules.__proto__'],
    ['github:\n  prototype: {}\n', 'a.yml', 'github.prototype'],
  ])('refuses %j and pollutes nothing', (text, file, key) => {
    const message = messageOf(text, file);
    expect(message).toContain(`${key}: the key "${key.split('.').at(-1)}" is not allowed`);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
