/**
 * Failed assertions: jest's `expect`, chai/vitest, Node's `assert`, pytest and unittest. The
 * suggestion quotes what was expected and what came back, names the expression under test from the
 * code line, and adds the hint the values themselves point to (a missing `await`, `toBe` on objects…).
 */
import { argumentsOf, inlineCode } from '../code-line.js';
import type { FixRule, RuleContext, RuleOutcome } from '../fix-rule.js';

/** `Expected: 3` / `Received: 2` (and labelled forms: `Expected length: 3`) from jest's message. */
function labelledValue(message: string, side: 'Expected' | 'Received'): string | undefined {
  const re = side === 'Expected' ? /^[ \t]{0,12}Expected(?<label>[^:\n]{0,40}): {1,12}(?<value>[^\n]{0,300})$/m : /^[ \t]{0,12}Received(?<label>[^:\n]{0,40}): {1,12}(?<value>[^\n]{0,300})$/m;
  const value = re.exec(message)?.groups?.value?.trim();
  return value !== undefined && value.length > 0 ? value : undefined;
}

/** The first changed pair of an annotated diff (`- Expected`/`+ Received`, or `+ actual - expected`). */
function firstDiff(message: string, minus: string, plus: string): { minus?: string; plus?: string } {
  const out: { minus?: string; plus?: string } = {};
  let started = false;
  for (const raw of message.split('\n', 400)) {
    const line = raw.trimStart();
    if (!started) {
      if (line.startsWith(`- ${minus}`) || line.startsWith(`+ ${plus}`) || line.startsWith(`+ actual - expected`)) started = true;
      continue;
    }
    if (line.startsWith(`- ${minus}`) || line.startsWith(`+ ${plus}`)) continue;
    if (out.minus === undefined && line.startsWith('- ')) out.minus = line.slice(2).trim();
    else if (out.plus === undefined && line.startsWith('+ ')) out.plus = line.slice(2).trim();
    if (out.minus !== undefined && out.plus !== undefined) break;
  }
  return out;
}

function isNumber(s: string | undefined): boolean {
  return s !== undefined && /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(s);
}

/** The hint the values themselves give. */
function valueHint(matcher: string | undefined, expected: string | undefined, received: string | undefined, message: string): string {
  if (received === 'undefined') return ' The code returned `undefined`: a missing `return`, or a promise that was not awaited.';
  if (received !== undefined && /^Promise \{/.test(received)) return ' It received a Promise: `await` the call (or use `.resolves`).';
  if (matcher === 'toBe' && (/serializes to the same string/.test(message) || /^(?:Object |Array )?[{[]/.test(expected ?? ''))) {
    return ' `toBe` compares identity; for objects and arrays use `toEqual` (or `toStrictEqual`).';
  }
  if (isNumber(expected) && isNumber(received) && (expected?.includes('.') || received?.includes('.'))) {
    return ' For floating-point results compare with `toBeCloseTo(expected, digits)`.';
  }
  return '';
}

function jestExpect(ctx: RuleContext): RuleOutcome | undefined {
  const matcher = ctx.groups.matcher;
  if (matcher === undefined) return undefined;
  const negated = ctx.groups.not !== undefined ? 'not.' : '';
  const expected = labelledValue(ctx.message, 'Expected');
  const received = labelledValue(ctx.message, 'Received');
  const subject = ctx.codeLine !== undefined ? argumentsOf(ctx.codeLine, 'expect') : undefined;
  const name = inlineCode(`${negated}${matcher}`);
  if (/^toHaveBeenCalled|^toBeCalled|^toHaveBeenNthCalled|^toHaveBeenLastCalled/.test(matcher)) {
    const calls = /Number of calls: {1,12}(?<n>\d{1,9})/.exec(ctx.message)?.groups?.n;
    return {
      detail: `${name} failed${subject !== undefined ? ` for ${inlineCode(subject)}` : ''}${calls !== undefined ? ` (it was called ${calls} times)` : ''}: the code under test did not call the mock as expected — check that it uses the mocked instance (in ESM, \`jest.unstable_mockModule\` before the dynamic import), that the call happens before the assertion (await it), and the arguments${expected !== undefined ? ` (expected ${inlineCode(expected)})` : ''}.`,
      confidence: 0.9,
    };
  }
  if (/^toThrow/.test(matcher)) {
    const calledDirectly = subject !== undefined && !/^(?:\(.{0,200}\)|[\p{L}_$][\p{L}\p{N}_$]{0,100})\s{0,4}=>/u.test(subject) && !/^(?:async\s{1,4})?function\b/.test(subject) && subject.endsWith(')');
    if (calledDirectly) {
      return {
        detail: `${inlineCode(`expect(${subject})`)} calls the function before \`expect\` sees it, so \`toThrow\` cannot catch anything: pass a function, ${inlineCode(`expect(() => ${subject}).${negated}${matcher}(…)`)} (for async code: \`await expect(promise).rejects.toThrow()\`).`,
        confidence: 0.95,
      };
    }
    return {
      detail: `${name} failed: ${/did not throw/.test(ctx.message) ? 'the function did not throw' : 'it threw something else'}${expected !== undefined ? ` (expected ${inlineCode(expected)}${received !== undefined ? `, got ${inlineCode(received)}` : ''})` : ''}: check the input that should make it fail; for async functions use \`await expect(fn()).rejects.toThrow()\`.`,
    };
  }
  if (/^toMatch(?:Inline)?Snapshot/.test(matcher)) {
    return {
      detail: `${name} failed: the output differs from the stored snapshot${subject !== undefined ? ` for ${inlineCode(subject)}` : ''}. If the change is intended, update it (\`jest -u\`, review the diff); otherwise the code's output changed — compare the snapshot diff.`,
    };
  }
  let detail: string;
  if (expected !== undefined && received !== undefined) {
    const what = subject !== undefined ? `${inlineCode(subject)} is ${inlineCode(received)}` : `received ${inlineCode(received)}`;
    detail = `${name} failed: ${what}, the test expects ${inlineCode(expected)}.`;
  } else {
    const diff = firstDiff(ctx.message, 'Expected', 'Received');
    if (diff.minus !== undefined || diff.plus !== undefined) {
      detail = `${name} failed${subject !== undefined ? ` for ${inlineCode(subject)}` : ''}: first difference — expected ${inlineCode(diff.minus ?? '(nothing)')}, received ${inlineCode(diff.plus ?? '(nothing)')}.`;
    } else {
      detail = `${name} failed${subject !== undefined ? ` for ${inlineCode(subject)}` : ''}: compare the Expected and Received values in the test output.`;
    }
  }
  return {
    detail: `${detail} Decide which side is wrong: the code under test or the expectation.${valueHint(matcher, expected, received, ctx.message)}`,
    confidence: expected !== undefined && received !== undefined ? 0.9 : 0.8,
  };
}

/** jest/vitest `expect(…).matcher(…)` failures. */
export const jestExpectRule: FixRule = {
  id: 'jest-expect',
  title: 'Failed expect() assertion',
  covers: 'jest/vitest `expect(received).toBe(expected)` with `Expected:`/`Received:` or a `- Expected + Received` diff, `toHaveBeenCalledWith`, `toThrow`, snapshots',
  confidence: 0.85,
  matcher: { message: [/expect\((?<recv>(?:jest|vi)\.fn\(\)|[^)\n]{0,60})\)\.(?:(?:resolves|rejects)\.)?(?<not>not\.)?(?<matcher>[A-Za-z]{1,40})\(/] },
  suggest: jestExpect,
};

/** chai / vitest assertion messages (`expected 2 to equal 3`). */
export const chaiAssertionRule: FixRule = {
  id: 'chai-assertion',
  title: 'Failed assertion',
  covers: 'chai/vitest `AssertionError: expected 2 to equal 3`, `expected { a: 1 } to deeply equal { a: 2 }`, `expected false to be true`',
  confidence: 0.8,
  matcher: { message: [/AssertionError: expected (?<actual>[^\n]{1,200}) to (?<rel>(?:not )?(?:deeply |strictly |loosely )?(?:equal|be|include|contain|match|have)) (?<exp>[^\n]{1,200})/] },
  suggest: (ctx) => {
    const { actual, rel } = ctx.groups;
    const exp = ctx.groups.exp?.replace(/ \/\/ [^\n]{0,60}$/, '');
    if (actual === undefined || rel === undefined || exp === undefined) return undefined;
    const subject = ctx.codeLine !== undefined ? argumentsOf(ctx.codeLine, 'expect') : undefined;
    const what = subject !== undefined ? `${inlineCode(subject)} is ${inlineCode(actual)}` : `the value is ${inlineCode(actual)}`;
    const hint = rel === 'be' && /^[{[]/.test(exp) ? ' `be`/`toBe` compares identity; compare objects with `deep.equal`/`toEqual`.' : valueHint(undefined, exp, actual, ctx.message);
    return { detail: `The assertion failed: ${what}, expected it to ${rel} ${inlineCode(exp)}. Decide which side is wrong: the code under test or the expectation.${hint}` };
  },
};

/** Node's `assert` module. */
export const nodeAssertRule: FixRule = {
  id: 'node-assert',
  title: 'Failed node:assert assertion',
  covers: 'Node `AssertionError [ERR_ASSERTION]: Expected values to be strictly equal: 2 !== 3` (with `actual`/`expected`/`operator`), deep-equal diffs, `The expression evaluated to a falsy value`, `Missing expected exception`',
  confidence: 0.85,
  matcher: { message: [/AssertionError \[ERR_ASSERTION\]: (?<headline>[^\n]{1,300})/] },
  suggest: (ctx) => {
    const headline = ctx.groups.headline ?? '';
    const m = ctx.message;
    const operator = /^[ \t]{0,8}operator: '(?<op>[A-Za-z]{1,40})'/m.exec(m)?.groups?.op;
    let actual = /^[ \t]{0,8}actual: (?<v>[^\n]{0,200}?),?$/m.exec(m)?.groups?.v;
    let expected = /^[ \t]{0,8}expected: (?<v>[^\n]{0,200}?),?$/m.exec(m)?.groups?.v;
    const inline = /^(?<a>[^\n]{1,200}) (?<op>!==|!=) (?<b>[^\n]{1,200})$/m.exec(m)?.groups;
    actual ??= inline?.a;
    expected ??= inline?.b;
    const call = ctx.codeLine !== undefined ? /\bassert\.(?<fn>[A-Za-z]{1,30})\(/.exec(ctx.codeLine)?.groups?.fn : undefined;
    const fn = operator ?? call;
    const args = ctx.codeLine !== undefined && call !== undefined ? argumentsOf(ctx.codeLine, `assert.${call}`) : undefined;
    const subject = args !== undefined ? splitFirstArgument(args) : undefined;
    if (/falsy value/.test(headline)) {
      const expr = /\n[ \t]{0,8}assert(?:\.ok)?\((?<e>[^\n]{1,200})\)\s{0,4}\n/.exec(m)?.groups?.e ?? (ctx.codeLine !== undefined ? (argumentsOf(ctx.codeLine, 'assert.ok') ?? argumentsOf(ctx.codeLine, 'assert')) : undefined);
      return {
        detail: `${expr !== undefined ? inlineCode(expr) : 'The asserted expression'} was falsy: check the value it tests${expr !== undefined ? '' : ' at this line'} (log it), or the condition itself.`,
        confidence: 0.85,
      };
    }
    if (/Missing expected (?:exception|rejection)/.test(headline)) {
      return { detail: 'The function passed to `assert.throws`/`assert.rejects` did not throw: check the input that should make it fail (and `await assert.rejects(…)` for async code).', confidence: 0.85 };
    }
    if (actual !== undefined && expected !== undefined) {
      const what = subject !== undefined ? `${inlineCode(subject)} is ${inlineCode(actual)}` : `actual ${inlineCode(actual)}`;
      return {
        detail: `${fn !== undefined ? inlineCode(`assert.${fn}`) : 'The assertion'} failed: ${what}, expected ${inlineCode(expected)}. Decide which side is wrong: the code under test or the expectation.${valueHint(undefined, expected, actual, m)}`,
        confidence: 0.9,
      };
    }
    const diff = firstDiff(m, 'expected', 'actual');
    if (diff.minus !== undefined || diff.plus !== undefined) {
      return {
        detail: `${fn !== undefined ? inlineCode(`assert.${fn}`) : 'The deep-equality assertion'} failed${subject !== undefined ? ` for ${inlineCode(subject)}` : ''}: first difference — actual ${inlineCode(diff.plus ?? '(nothing)')}, expected ${inlineCode(diff.minus ?? '(nothing)')}.`,
      };
    }
    return { detail: `The assertion failed: ${inlineCode(headline)}${subject !== undefined ? ` for ${inlineCode(subject)}` : ''} — check the value it tests at this line.`, confidence: 0.7 };
  },
};

/** `a, b` → `a` (the first argument of an assertion call), respecting brackets and strings. */
function splitFirstArgument(args: string): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const ch = args[i];
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) return args.slice(0, i).trim();
  }
  return args.trim();
}

/** pytest's rewritten asserts and unittest's assertion messages. */
export const pythonAssertionRule: FixRule = {
  id: 'python-assertion',
  title: 'Failed Python assertion',
  covers: 'pytest `assert 0 == 2` with `+  where 0 = add(1, 1)`, unittest `AssertionError: 2 != 3`, `False is not true`',
  confidence: 0.85,
  matcher: {
    errorType: /AssertionError$/,
    message: [
      /(?:^|\n)(?:E {1,20}|AssertionError: |FAILED [^\n]{1,300} - )?assert (?<left>[^\n]{1,200}?) (?<op>==|!=|<=|>=|<|>|is not|is|not in|in) (?<right>[^\n]{1,200})/,
      /AssertionError: (?<left>[^\n]{1,200}) (?<op>!=|==) (?<right>[^\n]{1,200})/,
      /AssertionError: (?<left>[^\n]{1,200}) is not (?<right>true|false|None)\b/,
      /(?:^|\n)(?:E {1,20}|AssertionError: )assert (?<expr>[^\n]{1,200})/,
    ],
  },
  suggest: (ctx) => {
    const { left, op, right, expr } = ctx.groups;
    const where = /\+ {1,8}where (?<value>[^\n]{1,100}?) = (?<call>[^\n]{1,200})/.exec(ctx.message)?.groups;
    const source = ctx.codeLine !== undefined ? /\bassert\s{1,4}(?<e>[^\n#]{1,200}?)\s{0,4}(?:==|!=|<=|>=|<|>|\bis\b|\bin\b|\bnot\b|$)/.exec(ctx.codeLine)?.groups?.e : undefined;
    if (expr !== undefined && left === undefined) {
      const subject = where?.call ?? source;
      return {
        detail: `${subject !== undefined ? `${inlineCode(subject)} was ${inlineCode(where?.value ?? expr)}` : `${inlineCode(`assert ${expr}`)} was falsy`}: check the value (or the condition) at this line.`,
        confidence: 0.8,
      };
    }
    if (left === undefined || right === undefined) return undefined;
    const call = ctx.codeLine !== undefined ? /\bself\.(?<fn>assert[A-Za-z]{1,30})\(/.exec(ctx.codeLine)?.groups?.fn : undefined;
    const tested = call !== undefined && ctx.codeLine !== undefined ? argumentsOf(ctx.codeLine, `self.${call}`) : undefined;
    const first = tested !== undefined ? inlineCode(tested.split(',')[0]?.trim() ?? tested) : 'the first value';
    if (ctx.pattern === 1) {
      // unittest prints `first != second` for assertEqual(first, second), `first == second` for assertNotEqual.
      return op === '!='
        ? { detail: `${call !== undefined ? inlineCode(call) : '`assertEqual`'} failed: ${first} is ${inlineCode(left)}, the test expects ${inlineCode(right)}. Decide which side is wrong: the code under test or the expectation.`, confidence: 0.85 }
        : { detail: `${call !== undefined ? inlineCode(call) : '`assertNotEqual`'} failed: both sides are ${inlineCode(left)}, the test expects them to differ.`, confidence: 0.8 };
    }
    if (ctx.pattern === 2) {
      return { detail: `The unittest assertion expected ${first === 'the first value' ? inlineCode(left) : `${first} (${inlineCode(left)})`} to be ${inlineCode(right)}: check the value it tests at this line.`, confidence: 0.8 };
    }
    const subject = where !== undefined && where.value === left ? `${inlineCode(where.call ?? '')} returned ${inlineCode(left)}` : source !== undefined && source !== left ? `${inlineCode(source)} is ${inlineCode(left)}` : `the left side is ${inlineCode(left)}`;
    const relation = op === '==' ? `the test expects ${inlineCode(right)}` : `the test expects it ${op ?? '=='} ${inlineCode(right)}`;
    return {
      detail: `${inlineCode(`assert ${left} ${op ?? '=='} ${right}`)} failed: ${subject}, ${relation}. Decide which side is wrong: the code under test or the expectation.${isNumber(left) && isNumber(right) && (left.includes('.') || right.includes('.')) ? ' For floats compare with `pytest.approx`.' : ''}`,
      confidence: where !== undefined ? 0.9 : 0.85,
    };
  },
};

/** The rules of this file, in knowledge-base order. */
export const ASSERTION_RULES: readonly FixRule[] = [jestExpectRule, chaiAssertionRule, nodeAssertRule, pythonAssertionRule];
