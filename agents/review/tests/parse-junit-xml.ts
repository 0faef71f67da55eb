/**
 * Parses JUnit XML as node:test (`--test-reporter=junit`) and pytest (`--junitxml`, xunit1 family)
 * write it. The document goes through the strict, bounded {@link parseXml}; each `<testcase>` is
 * then checked with zod before it is read. The two dialects differ in naming and location:
 * node:test nests `<testsuite>` per `describe` and puts the location only in the stack; pytest
 * gives `file` and a 0-based `line` for the test function and a traceback ending in `path:line:`.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { InvalidInputError } from '../../../shared/errors/errors.js';
import { parseXml, textOf, type XmlElement } from './parse-xml.js';
import { firstLine, locateInStack, splitFailureText, stackFrames, stripErrorLabel } from './stack-location.js';
import { clip, stripAnsi, type ParsedTestRun, type TestFailure } from './test-failure.js';

/** Which runner wrote the report. */
export type JunitDialect = 'node-test' | 'pytest';

const testcaseSchema = z.object({
  name: z.string().min(1, 'a <testcase> needs a non-empty name'),
  classname: z.string().optional(),
  file: z.string().min(1).optional(),
  line: z.string().regex(/^\d{1,9}$/, 'line must be a whole number').optional(),
});

/** Options of {@link parseJunitXml}. */
export interface ParseJunitOptions {
  dialect: JunitDialect;
  /** The folder the run started in; stack paths are located against it. */
  root: string;
  /** The test files that were run: stack frames in them are preferred as the location. */
  testFiles?: readonly string[];
  /** Names the report in errors. */
  source?: string;
}

const MAX_DETAILS = 4000;

interface FoundCase {
  element: XmlElement;
  suites: string[];
}

/** All `<testcase>` elements with the names of their enclosing `<testsuite>`s, without recursion. */
function collectCases(root: XmlElement): FoundCase[] {
  const out: FoundCase[] = [];
  const todo: FoundCase[] = [{ element: root, suites: [] }];
  while (todo.length > 0) {
    const { element, suites } = todo.pop()!;
    if (element.name === 'testcase') {
      out.push({ element, suites });
      continue;
    }
    const inner = element.name === 'testsuite' && element.attributes.name ? [...suites, element.attributes.name] : suites;
    for (let k = element.children.length - 1; k >= 0; k--) {
      const child = element.children[k]!;
      if (typeof child !== 'string') todo.push({ element: child, suites: inner });
    }
  }
  return out;
}

/** The `<failure>` or `<error>` child of a testcase, if it failed. */
function failureOf(testcase: XmlElement): XmlElement | undefined {
  return testcase.children.find((c): c is XmlElement => typeof c !== 'string' && (c.name === 'failure' || c.name === 'error'));
}

/** node:test wraps the assertion in `[Error [ERR_TEST_FAILURE]: … ] { code: … cause: … }`: keep the message. */
function nodeMessage(body: string, attribute: string | undefined): string {
  const { message } = splitFailureText(body);
  const cut = message.split(/\n\]?\s*\{\n\s*code:/)[0] ?? '';
  return stripErrorLabel(cut.trim()).trim() || (attribute ?? '').trim();
}

function nodeFailure(found: FoundCase, name: string, failure: XmlElement, options: ParseJunitOptions): TestFailure {
  const body = stripAnsi(textOf(failure));
  const message = nodeMessage(body, failure.attributes.message) || 'failed without a message';
  const wanted = new Set((options.testFiles ?? []).map((f) => resolve(options.root, f)));
  const at = stackFrames(body).find((f) => wanted.has(resolve(options.root, f.file))) ?? locateInStack(body, options.root);
  // node:test's top-level suite is the file itself in some versions: leave out names that are paths.
  const suites = found.suites.filter((s) => !s.includes('/') && !s.includes('\\'));
  return {
    fullName: [...suites, name].join(' > '),
    message,
    details: clip(message, MAX_DETAILS),
    stack: clip(body, MAX_DETAILS),
    ...(at ? { file: at.file, line: at.line, column: at.column } : {}),
  };
}

function pytestFailure(testcase: z.output<typeof testcaseSchema>, failure: XmlElement): TestFailure {
  const body = stripAnsi(textOf(failure));
  const attribute = stripAnsi(failure.attributes.message ?? '').trim();
  const message = stripErrorLabel(attribute || firstLine(body)).trim() || 'failed without a message';
  const file = testcase.file;
  let fullName = `${testcase.classname ? `${testcase.classname}.` : ''}${testcase.name}`;
  if (file) {
    const module = file.replace(/\.py$/, '').replace(/[\\/]/g, '.');
    const rest = testcase.classname?.startsWith(module) ? testcase.classname.slice(module.length + 1) : '';
    fullName = [file, ...(rest ? rest.split('.') : []), testcase.name].join('::');
  }
  // The traceback's entries end with `path:line: …`; the first in the test file is the failing line.
  let line: number | undefined;
  let where = file;
  for (const m of body.matchAll(/^([^\s:][^:\n]*\.py):(\d+): /gm)) {
    if (!file || m[1] === file) {
      where = m[1];
      line = Number(m[2]);
      break;
    }
  }
  if (line === undefined && testcase.line !== undefined) line = Number(testcase.line) + 1;
  return {
    fullName,
    message,
    details: clip(attribute || body.trim(), MAX_DETAILS),
    stack: clip(body, MAX_DETAILS),
    ...(where ? { file: where } : {}),
    ...(line !== undefined && line > 0 ? { line } : {}),
  };
}

/** Reads failures from a JUnit XML report. Throws InvalidInputError for a malformed or hostile one. */
export function parseJunitXml(text: string, options: ParseJunitOptions): ParsedTestRun {
  const source = options.source ?? `${options.dialect} JUnit report`;
  const root = parseXml(text, source);
  if (root.name !== 'testsuites' && root.name !== 'testsuite') {
    throw new InvalidInputError(`The ${source} is not a JUnit report: its root element is <${root.name}>, expected <testsuites> or <testsuite>`, { file: source });
  }
  const cases = collectCases(root);
  const failures: TestFailure[] = [];
  for (const found of cases) {
    const failure = failureOf(found.element);
    if (!failure) continue;
    const parsed = testcaseSchema.safeParse(found.element.attributes);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidInputError(`The ${source} has a <testcase> with a bad '${issue?.path.join('.') ?? '?'}' attribute: ${issue?.message ?? 'unknown problem'}`, { file: source });
    }
    failures.push(options.dialect === 'pytest' ? pytestFailure(parsed.data, failure) : nodeFailure(found, parsed.data.name, failure, options));
  }
  return { total: cases.length, failures };
}
