/**
 * Runtime failures of the process itself: out of memory, unbounded recursion, unhandled
 * rejections, JSON that is not JSON, bad arguments to Node's API, and tests that time out.
 */
import { findCalls, findPropertyAccesses, inlineCode, pickCall } from '../code-line.js';
import type { FixRule, RuleContext, RuleOutcome } from '../fix-rule.js';

/** The heap ran out. */
export const heapOutOfMemoryRule: FixRule = {
  id: 'heap-out-of-memory',
  title: 'Heap out of memory',
  covers: 'V8 `FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory` (with `--max-old-space-size`), Java `OutOfMemoryError: Java heap space`, Python `MemoryError`',
  confidence: 0.95,
  matcher: {
    message: [
      /JavaScript heap out of memory|Reached heap limit|Ineffective mark-compacts near heap limit/,
      /java\.lang\.OutOfMemoryError: (?<java>[^\n]{1,100})/,
      /^(?:MemoryError)\b/m,
    ],
  },
  suggest: (ctx) => {
    const limit = /--max-old-space-size[= ](?<mb>\d{1,7})/.exec(ctx.message)?.groups?.mb;
    const grows = growthAtLine(ctx.codeLine);
    const where = grows ?? (ctx.codeLine !== undefined ? `what keeps growing around ${inlineCode(ctx.codeLine)}` : 'what keeps growing');
    if (ctx.groups.java !== undefined) {
      return {
        title: `OutOfMemoryError: ${ctx.groups.java}`,
        detail: `The JVM ran out of ${ctx.groups.java.includes('Metaspace') ? 'metaspace (classes loaded over and over)' : 'heap'}: if the workload is legitimately big raise the limit (\`-Xmx\`); otherwise find ${where} with a heap dump (\`-XX:+HeapDumpOnOutOfMemoryError\`).`,
      };
    }
    if (ctx.pattern === 2) {
      return { detail: `Python ran out of memory: find ${where} — read large inputs in chunks or stream them instead of loading everything, and release references you no longer need.`, confidence: 0.8 };
    }
    const cap = limit !== undefined ? `The V8 heap hit its limit, set to ${limit} MB here by ${inlineCode(`--max-old-space-size=${limit}`)}` : 'The V8 heap hit its limit';
    return {
      detail: `${cap}. If the job is legitimately big, raise it (${inlineCode('NODE_OPTIONS=--max-old-space-size=4096')}); if memory grows without bound, fix ${where} — take heap snapshots (\`node --heapsnapshot-near-heap-limit=2\`, or DevTools via \`--inspect\`) to see what holds the memory.`,
    };
  },
};

/** `a.push(…)` in a loop, `cache[key] = …`, `cache.set(…)`: the growth the line shows, if any. */
function growthAtLine(line: string | undefined): string | undefined {
  if (line === undefined) return undefined;
  for (const method of ['push', 'unshift', 'set', 'add', 'concat']) {
    const access = findPropertyAccesses(line, method)[0];
    if (access !== undefined) return `the unbounded growth of ${inlineCode(access.receiver)} (${inlineCode(`${access.receiver}.${method}(…)`)} on this line, e.g. in a loop that never ends or a cache that is never evicted)`;
  }
  const append = /([\p{L}_][\p{L}\p{N}_.]{0,100})\.append\(/u.exec(line)?.[1];
  if (append !== undefined) return `the unbounded growth of ${inlineCode(append)} (\`${append}.append(…)\` on this line)`;
  return undefined;
}

/** Unbounded recursion. */
export const stackOverflowRule: FixRule = {
  id: 'stack-overflow',
  title: 'Maximum call stack size exceeded',
  covers: '`RangeError: Maximum call stack size exceeded`, Firefox `too much recursion`, Python `RecursionError: maximum recursion depth exceeded`, Java `StackOverflowError`',
  confidence: 0.9,
  matcher: {
    message: [/Maximum call stack size exceeded|too much recursion|maximum recursion depth exceeded|java\.lang\.StackOverflowError/],
  },
  suggest: (ctx) => {
    const fn = ctx.fault?.function?.replace(/^(?:async |Object\.|Module\.)/, '').split('.').pop();
    const calls = ctx.codeLine !== undefined ? findCalls(ctx.codeLine) : [];
    const selfCall = fn !== undefined ? calls.find((c) => c.callee === fn || c.callee.endsWith(`.${fn}`)) : undefined;
    const setter = ctx.codeLine !== undefined ? /\bthis\.(?<prop>[\p{L}_$][\p{L}\p{N}_$]{0,100})\s{0,4}=(?!=)/u.exec(ctx.codeLine)?.groups?.prop : undefined;
    if (selfCall !== undefined && fn !== undefined) {
      return {
        title: `${fn} recurses without end`,
        detail: `${inlineCode(fn)} calls itself here (${inlineCode(selfCall.text)}) and never reaches its base case for this input: check the stopping condition and that each call moves toward it (a smaller argument), or turn the recursion into a loop.`,
        confidence: 0.95,
      };
    }
    if (setter !== undefined && fn !== undefined && fn.endsWith(setter)) {
      return {
        detail: `The setter assigns ${inlineCode(`this.${setter}`)} inside itself, which calls the setter again: store the value in a separate field (${inlineCode(`this._${setter}`)} or a private \`#${setter}\`).`,
        confidence: 0.9,
      };
    }
    const named = fn !== undefined ? `${inlineCode(fn)} ` : 'A function ';
    return {
      detail: `${named}recurses without reaching a base case (directly, or through other functions calling each other): check the stopping condition; also look for a getter/setter that reads or writes its own property, \`toJSON\`/\`toString\` calling itself, or a circular structure being walked.`,
      confidence: fn !== undefined ? 0.9 : 0.85,
    };
  },
};

function floatingCall(ctx: RuleContext): string | undefined {
  const line = ctx.codeLine;
  if (line === undefined || /\bawait\b|\.catch\(|\breturn\b/.test(line)) return undefined;
  return pickCall(findCalls(line), ctx.fault?.column)?.text;
}

/** A promise rejected and nobody handled it. */
export const unhandledRejectionRule: FixRule = {
  id: 'unhandled-rejection',
  title: 'Unhandled promise rejection',
  covers: 'Node `UnhandledPromiseRejection: … The promise rejected with the reason "x"` / `ERR_UNHANDLED_REJECTION`, `UnhandledPromiseRejectionWarning`, browser `Uncaught (in promise)`',
  confidence: 0.85,
  matcher: {
    message: [
      /The promise rejected with the reason "(?<reason>[^"\n]{0,300})"/,
      /Uncaught \(in promise\) (?<reason>[^\n]{1,300})/,
      /UnhandledPromiseRejection|ERR_UNHANDLED_REJECTION|Unhandled promise rejection/i,
    ],
  },
  suggest: (ctx) => {
    const reason = ctx.groups.reason;
    const call = floatingCall(ctx);
    const what = reason !== undefined ? `A promise rejected with ${inlineCode(reason)} and nothing handled it` : 'A promise rejected and nothing handled it';
    const nonError = ctx.pattern === 0 ? `; reject with an \`Error\` (not a ${/^\d+$/.test(reason ?? '') ? 'number' : 'string'}) so the stack shows where` : '';
    if (call !== undefined) {
      return {
        detail: `${what}: ${inlineCode(call)} on this line is neither awaited nor given a \`.catch()\` — write ${inlineCode(`await ${call}`)} inside a try/catch (or add \`.catch(handle)\`)${nonError}. \`@typescript-eslint/no-floating-promises\` finds the others.`,
        confidence: 0.9,
      };
    }
    return {
      detail: `${what}: find the call that returns this promise and \`await\` it inside a try/catch, or add \`.catch()\` (a call without \`await\`, a callback-style API mixed with promises, or \`forEach(async …)\`)${nonError}; \`@typescript-eslint/no-floating-promises\` finds them.`,
    };
  },
};

/** Python: a coroutine was called but never awaited. */
export const neverAwaitedRule: FixRule = {
  id: 'never-awaited',
  title: 'Coroutine never awaited',
  covers: "Python `RuntimeWarning: coroutine 'f' was never awaited`",
  confidence: 0.9,
  matcher: { message: [/coroutine '(?<name>[^'\n]{1,200})' was never awaited/] },
  suggest: (ctx) => {
    const name = ctx.groups.name ?? 'the coroutine';
    const short = name.split('.').pop() ?? name;
    return {
      detail: `${inlineCode(`${short}(…)`)} was called without \`await\`, so it never ran: write ${inlineCode(`await ${short}(…)`)} inside an async function, or schedule it with \`asyncio.create_task(${short}(…))\` (or \`asyncio.run\` at the top level).`,
    };
  },
};

function jsonParse(ctx: RuleContext): RuleOutcome | undefined {
  const { token, value, pos, what } = ctx.groups;
  const line = ctx.codeLine;
  const parseArg = line !== undefined ? /JSON\.parse\(\s{0,4}([^)]{1,200})\)/.exec(line)?.[1]?.trim() : undefined;
  const jsonCall = line !== undefined ? findPropertyAccesses(line, 'json').find((a) => line.slice(a.at + 4, a.at + 5) === '(') : undefined;
  const input = parseArg !== undefined ? inlineCode(parseArg) : jsonCall !== undefined ? `the body of ${inlineCode(jsonCall.receiver)}` : 'the text';
  if (value === 'undefined') {
    return { detail: `${input} is \`undefined\`, which \`JSON.parse\` turns into the string "undefined": check the value before parsing (a missing file read, storage item, environment variable or property).`, confidence: 0.95 };
  }
  if (value === '[object Object]') {
    return { detail: `${input} is already an object, not JSON text: drop the \`JSON.parse\` (or, if it was meant to be text, it was built with \`String(obj)\` instead of \`JSON.stringify(obj)\`).`, confidence: 0.95 };
  }
  if (ctx.groups.end !== undefined || (what !== undefined && /Expecting value: line 1 column 1 \(char 0\)/.test(ctx.message))) {
    return {
      detail: `${input} is empty or cut short: an empty response body (204, HEAD, an error without body), an empty file, or a stream read before it finished — check for empty text before parsing${jsonCall !== undefined ? ` and \`${jsonCall.receiver}.status\`` : ''}.`,
      confidence: 0.9,
    };
  }
  if (token === '<') {
    return {
      detail: `${input} starts with \`<\`: it is HTML (an error page, a 404, a login redirect, a dev server's index.html), not JSON — check the status (${inlineCode('res.ok')}) and \`content-type\` before parsing, and log the text to see which page came back.`,
      confidence: 0.95,
    };
  }
  const at = pos !== undefined ? ` at position ${pos}` : '';
  if (/^(?:Expected double-quoted property name|Expected property name)/.test(what ?? '') || token === "'" || token === '}' || token === ']') {
    return {
      detail: `${input} is not strict JSON${at}: a trailing comma, single quotes, comments or unquoted keys — fix the producer (serialize with \`JSON.stringify\`), or parse human-edited config with a JSON5/JSONC parser.`,
      confidence: 0.85,
    };
  }
  return {
    detail: `${input} is not JSON${token !== undefined ? ` (it has ${inlineCode(token)}${at})` : at}: log the raw text and check what produced it (another content type, a log line mixed into the output, a double-encoded string).`,
  };
}

/** `JSON.parse` (or `res.json()`, Python `json.loads`) on text that is not JSON. */
export const jsonParseRule: FixRule = {
  id: 'json-parse',
  title: 'Invalid JSON',
  covers: "`SyntaxError: Unexpected token '<', \"<html>\" is not valid JSON`, `Unexpected end of JSON input`, `\"undefined\" is not valid JSON`, `Unexpected token < in JSON at position 0`, Python `JSONDecodeError: Expecting value`",
  confidence: 0.9,
  matcher: {
    message: [
      /"(?<value>undefined|\[object Object\])" is not valid JSON/,
      /Unexpected token '(?<token>[^'\n]{1,4})', [^\n]{0,200} is not valid JSON/,
      /Unexpected token (?<token>[^\s]{1,4}) in JSON at position (?<pos>\d{1,10})/,
      /(?<end>Unexpected end of JSON input)/,
      /(?<what>Expected [^\n]{1,60}|Bad control character in string literal|Unterminated string|Unexpected non-whitespace character after JSON|Bad escaped character) in JSON at position (?<pos>\d{1,10})/,
      /JSONDecodeError: (?<what>[^\n:]{1,100}): line (?<line>\d{1,10}) column (?<col>\d{1,10}) \(char (?<pos>\d{1,10})\)/,
    ],
  },
  suggest: jsonParse,
};

/** Node's API got an argument of the wrong type. */
export const invalidArgTypeRule: FixRule = {
  id: 'invalid-arg-type',
  title: 'Argument of the wrong type',
  covers: 'Node `TypeError [ERR_INVALID_ARG_TYPE]: The "path" argument must be of type string … Received undefined`',
  confidence: 0.9,
  matcher: {
    message: [
      /The "(?<arg>[^"\n]{1,100})" (?:argument|property) must be (?<expected>[^\n]{1,300}?)\. Received (?<received>[^\n]{1,200})/,
      /ERR_INVALID_ARG_TYPE/,
    ],
  },
  suggest: (ctx) => {
    const { arg, expected, received } = ctx.groups;
    if (arg === undefined || received === undefined) {
      return { detail: 'A Node.js API received an argument of the wrong type at this line: check each argument\'s value (often `undefined` from a missing environment variable or config key, or a Promise that was not awaited).', confidence: 0.7 };
    }
    const call = ctx.codeLine !== undefined ? pickCall(findCalls(ctx.codeLine), ctx.fault?.column) : undefined;
    const site = call !== undefined ? ` in ${inlineCode(call.text)}` : '';
    let fix: string;
    if (/^undefined|^null/.test(received)) fix = `the value passed is unset — often a missing environment variable or config key (\`process.env.X\`), a property that does not exist, or a function that returned nothing`;
    else if (/Promise/.test(received)) fix = 'a Promise was passed: `await` it first';
    else if (/type number/.test(received) && /string/.test(expected ?? '')) fix = `convert it with \`String(…)\``;
    else if (/instance of Object|type object/.test(received)) fix = 'an object was passed where a primitive is expected: pass the right property of it';
    else fix = 'pass a value of the expected type';
    return {
      title: `The ${arg} argument got ${received}`,
      detail: `The ${inlineCode(arg)} argument${site} must be ${expected ?? 'another type'} but received ${inlineCode(received)}: ${fix}.`,
    };
  },
};

/** A test that did not finish within its time limit. */
export const testTimeoutRule: FixRule = {
  id: 'test-timeout',
  title: 'Test timed out',
  covers: 'jest `Exceeded timeout of 5000 ms for a test` (and `while waiting for `done()``, hooks), mocha `Timeout of 2000ms exceeded`, vitest `Test timed out in 5000ms`, pytest-timeout `Timeout >5.0s`',
  confidence: 0.9,
  matcher: {
    message: [
      /Exceeded timeout of (?<ms>\d{1,9}) ms for a (?<what>test|hook)(?<done> while waiting for `done\(\)` to be called)?/,
      /Timeout of (?<ms>\d{1,9})ms exceeded(?<done>[^\n]{0,40}"done\(\)")?/,
      /(?<what>Test|Hook) timed out in (?<ms>\d{1,9})ms/,
      /Failed: Timeout >(?<s>[\d.]{1,12})s/,
    ],
  },
  suggest: (ctx) => {
    const ms = ctx.groups.ms ?? (ctx.groups.s !== undefined ? String(Math.round(Number(ctx.groups.s) * 1000)) : undefined);
    const limit = ms !== undefined ? `within ${ms} ms` : 'in time';
    const awaited = ctx.codeLine !== undefined ? /\bawait\s{1,10}(?<expr>[^;]{1,200})/.exec(ctx.codeLine)?.groups?.expr?.trim() : undefined;
    const awaitHint = awaited !== undefined ? ` ${inlineCode(`await ${awaited}`)} on this line is the likely wait that never ends.` : '';
    if (ctx.groups.done !== undefined && ctx.pattern === 0) {
      return {
        detail: `The test takes a \`done\` callback but never called it ${limit}: call \`done()\` when the work ends (and \`done(err)\` on failure, also inside callbacks that throw), or drop \`done\` and return/await a promise instead.`,
        confidence: 0.95,
      };
    }
    if (ctx.groups.what?.toLowerCase() === 'hook') {
      return {
        detail: `A \`beforeAll\`/\`beforeEach\`/\`afterAll\` hook did not finish ${limit}: usually a server, database or queue connection that never becomes ready, or one that is never closed.${awaitHint} Make setup wait on a real readiness signal and close what it opens.`,
      };
    }
    const timeoutArg = ctx.format === 'mocha' || ctx.pattern === 1 ? 'this.timeout(10000)' : 'test(name, fn, 10000)';
    return {
      detail: `The test did not finish ${limit}: something it awaits never settles — a promise that never resolves, a mock that never answers, a missing \`done()\`, or a real network call.${awaitHint} If it is legitimately slow, raise its limit (${inlineCode(timeoutArg)}).`,
      confidence: awaited !== undefined ? 0.9 : 0.85,
    };
  },
};

/** The rules of this file, in knowledge-base order. */
export const RUNTIME_RULES: readonly FixRule[] = [
  heapOutOfMemoryRule,
  stackOverflowRule,
  unhandledRejectionRule,
  neverAwaitedRule,
  jsonParseRule,
  invalidArgTypeRule,
  testTimeoutRule,
];
