import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJunitXml } from '../../../../agents/review/tests/parse-junit-xml.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

describe('parseJunitXml: node:test (real --test-reporter=junit output)', () => {
  it('finds both failures, names them with their suite, and locates them in the test file', () => {
    const run = parseJunitXml(read('node-test-junit.xml'), { dialect: 'node-test', root: '/tmp/jt', testFiles: ['a.test.mjs'] });
    expect(run.total).toBe(3);
    expect(run.failures).toHaveLength(2);
    const [bad, inner] = run.failures;
    expect(bad).toMatchObject({ fullName: 'bad', file: '/tmp/jt/a.test.mjs', line: 2, column: 46 });
    expect(bad!.message).toBe('Expected values to be strictly equal:\n\n1 !== 2');
    expect(inner).toMatchObject({ fullName: 'suite > inner bad', file: '/tmp/jt/a.test.mjs', line: 3, column: 64 });
    expect(inner!.details).toContain('+   a: 1\n-   a: 2');
  });
});

describe('parseJunitXml: pytest (real --junitxml output)', () => {
  it('xunit1: uses the traceback line in the test file and builds pytest node ids', () => {
    const run = parseJunitXml(read('pytest-xunit1.xml'), { dialect: 'pytest', root: '/tmp/jt/py' });
    expect(run.total).toBe(3);
    expect(run.failures.map((f) => [f.fullName, f.file, f.line])).toEqual([
      ['tests/test_calc.py::test_bad', 'tests/test_calc.py', 3],
      ['tests/test_calc.py::TestK::test_m', 'tests/test_calc.py', 7],
    ]);
    expect(run.failures[0]!.message).toBe('sum wrong\nassert 3 == 4\n +  where 3 = add(1, 2)');
    expect(run.failures[1]!.details).toContain('Differing items:');
  });

  it('xunit2 (no file attribute): still locates the failure from the traceback', () => {
    const run = parseJunitXml(read('pytest-xunit2.xml'), { dialect: 'pytest', root: '/tmp/jt/py' });
    expect(run.failures.map((f) => [f.fullName, f.file, f.line])).toEqual([
      ['tests.test_calc.test_bad', 'tests/test_calc.py', 3],
      ['tests.test_calc.TestK.test_m', 'tests/test_calc.py', 7],
    ]);
  });

  it('reads <error> (a fixture or collection error) as a failure too', () => {
    const xml = '<testsuites><testsuite name="pytest"><testcase classname="" name="tests.test_broken"><error message="collection failure">tests/test_broken.py:1: in &lt;module&gt;\n    import nope\nE   ModuleNotFoundError: No module named \'nope\'</error></testcase></testsuite></testsuites>';
    const run = parseJunitXml(xml, { dialect: 'pytest', root: '/r' });
    expect(run.failures).toEqual([expect.objectContaining({ fullName: 'tests.test_broken', message: 'collection failure', file: 'tests/test_broken.py', line: 1 })]);
  });
});

describe('parseJunitXml: bad reports', () => {
  it.each([
    ['a non-JUnit root', '<html><body/></html>', /root element is <html>/],
    ['a testcase without a name', '<testsuites><testcase><failure message="x"/></testcase></testsuites>', /bad 'name' attribute/],
    ['a non-numeric line', '<testsuite><testcase name="t" line="12abc"><failure/></testcase></testsuite>', /'line' attribute: line must be a whole number/],
    ['a billion-laughs report', '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><testsuites>&b;</testsuites>', /DOCTYPE/],
    ['a truncated report', read('pytest-xunit1.xml').slice(0, 700), /ends inside|unterminated/],
  ])('refuses %s with a message naming the report', (_what, xml, message) => {
    expect(() => parseJunitXml(xml, { dialect: 'pytest', root: '/r', source: 'pytest report r.xml' })).toThrow(message);
    expect(() => parseJunitXml(xml, { dialect: 'pytest', root: '/r', source: 'pytest report r.xml' })).toThrow(/pytest report r\.xml/);
  });

  it('handles a huge report with many test cases', () => {
    const cases = Array.from({ length: 20_000 }, (_, k) => `<testcase name="t${k}" classname="m"${k % 1000 === 0 ? '><failure message="boom">m.py:1: x</failure></testcase>' : '/>'}`).join('');
    const run = parseJunitXml(`<testsuite name="pytest">${cases}</testsuite>`, { dialect: 'pytest', root: '/r' });
    expect(run.total).toBe(20_000);
    expect(run.failures).toHaveLength(20);
  });
});
