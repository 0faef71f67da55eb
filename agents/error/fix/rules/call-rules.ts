/**
 * Using a value as something it is not: calling a non-function, iterating a non-iterable, naming
 * an undeclared variable, reading a missing dictionary key.
 */
import { findPropertyAccesses, inlineCode, isIdentifier, lastName, shapeOf } from '../code-line.js';
import type { FixRule, RuleContext, RuleOutcome } from '../fix-rule.js';

const ARRAY_METHODS = new Set([
  'map', 'forEach', 'filter', 'reduce', 'find', 'findIndex', 'some', 'every', 'flatMap', 'includes', 'join', 'slice',
  'push', 'sort', 'at', 'indexOf', 'concat', 'flat', 'entries', 'keys', 'values',
]);
const STRING_METHODS = new Set(['split', 'trim', 'toLowerCase', 'toUpperCase', 'replace', 'replaceAll', 'startsWith', 'endsWith', 'padStart', 'match']);
const VALUE_WORDS = new Set(['undefined', 'null', 'object', 'number', 'boolean', 'symbol', 'function', 'bigint']);
const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);

function notAFunction(ctx: RuleContext): RuleOutcome | undefined {
  let expr = ctx.groups.expr;
  if (expr === undefined) return undefined;
  if (ctx.groups.ctor !== undefined) {
    // `undefined is not a constructor`: the code line names what was `new`-ed.
    const newed = ctx.codeLine !== undefined ? /\bnew\s{1,10}([\p{L}_$][\p{L}\p{N}_$.]{0,200})/u.exec(ctx.codeLine)?.[1] : undefined;
    if (VALUE_WORDS.has(expr) && newed !== undefined) expr = newed;
    return {
      title: `${expr} is not a constructor`,
      detail: `${inlineCode(`new ${expr}(…)`)} fails because ${inlineCode(expr)} is not a class here: check the import form (a default vs named import mismatch, \`import { ${lastName(expr) ?? 'X'} } from\` vs \`import ${lastName(expr) ?? 'X'} from\`, or CommonJS interop needing \`.default\`), and that it is not an arrow function.`,
      confidence: 0.85,
    };
  }
  if (ctx.groups.iterable !== undefined) {
    return {
      detail: `${inlineCode(expr)} is not a function here, or its result is not iterable, so the array destructuring on this line fails: check what ${inlineCode(expr)} is (often a wrong import, e.g. a hook imported from the wrong module) and that it returns an array.`,
      confidence: 0.8,
    };
  }
  const dot = expr.lastIndexOf('.');
  const method = dot > 0 ? expr.slice(dot + 1) : undefined;
  const receiver = dot > 0 ? expr.slice(0, dot).replace(/\?$/, '') : undefined;
  if (method !== undefined && receiver !== undefined && receiver !== '(intermediate value)') {
    if (ARRAY_METHODS.has(method)) {
      return {
        detail: `${inlineCode(receiver)} is not an array here, so it has no ${inlineCode(`.${method}`)}: check what it holds — an object (use ${inlineCode(`Object.values(${receiver}).${method}(…)`)}), a promise (add \`await\`), or a single item — and guard with ${inlineCode(`Array.isArray(${receiver})`)}.`,
        confidence: 0.9,
      };
    }
    if (STRING_METHODS.has(method)) {
      return {
        detail: `${inlineCode(receiver)} is not a string here, so it has no ${inlineCode(`.${method}`)}: convert it (${inlineCode(`String(${receiver})`)}) or check why it holds another type (a number, an array, a Buffer to decode with \`.toString()\`).`,
        confidence: 0.85,
      };
    }
    if (PROMISE_METHODS.has(method)) {
      return {
        detail: `${inlineCode(receiver)} is not a promise here, so it has no ${inlineCode(`.${method}`)}: the function it comes from does not return one (a missing \`return\`?), or it was already awaited.`,
        confidence: 0.85,
      };
    }
    return {
      detail: `${inlineCode(receiver)} has no method ${inlineCode(method)} here: check the spelling, that ${inlineCode(receiver)} is the object you expect (a class instance rather than plain JSON data, the module's default export rather than the module), and that ${inlineCode(method)} was not overwritten with a non-function.`,
      confidence: 0.85,
    };
  }
  if (expr.startsWith('(intermediate value)')) {
    const name = method ?? 'the called value';
    return {
      detail: `The value whose ${inlineCode(name)} is called is not what you expect: often a missing semicolon before a line starting with \`(\` or \`[\` (the previous line's value gets called), or ${inlineCode(name)} missing on the object returned by the expression before it.`,
      confidence: 0.7,
    };
  }
  if (!isIdentifier(expr)) {
    return { detail: `${inlineCode(expr)} is called but is not a function here: check what it holds at this line.`, confidence: 0.7 };
  }
  return {
    detail: `${inlineCode(expr)} is called but holds another value: if it is imported, check the import form (\`import { ${expr} } from\` vs \`import ${expr} from\`, or \`${expr}.default\` for a CommonJS module); otherwise check that a variable or parameter named ${inlineCode(expr)} does not shadow the function.`,
    confidence: 0.85,
  };
}

/** Calling a value that is not a function (or `new` on a non-class). */
export const notAFunctionRule: FixRule = {
  id: 'not-a-function',
  title: 'Calling something that is not a function',
  covers: "`TypeError: x.y is not a function`, `… is not a function or its return value is not iterable`, `X is not a constructor`, Python `'str' object is not callable`",
  confidence: 0.85,
  matcher: {
    errorType: /TypeError$/,
    message: [
      /(?<expr>(?:\(intermediate value\))?[^\s'"`(]{1,200}) is not a function(?<iterable> or its return value is not iterable)?/,
      /(?<expr>[^\s'"`(]{1,200}) is not a (?<ctor>constructor)/,
      /'(?<type>[\w.]{1,100})' object is not callable/,
    ],
  },
  suggest: (ctx) => {
    const type = ctx.groups.type;
    if (type === undefined) return notAFunction(ctx);
    const call = ctx.codeLine !== undefined ? /([\p{L}_][\p{L}\p{N}_.]{0,100})\(/u.exec(ctx.codeLine)?.[1] : undefined;
    return {
      detail:
        call !== undefined
          ? `${inlineCode(call)} holds a ${inlineCode(type)} value, not a function, when it is called here: a variable shadows the function (e.g. \`${lastName(call) ?? call} = …\` earlier, or a built-in like \`str\`/\`list\` reused as a name), or an attribute is called with \`()\` by mistake.`
          : `A ${inlineCode(type)} value is called like a function at this line: a variable shadows the function (a built-in like \`str\`, \`list\` or \`dict\` reused as a name), or an attribute is called with \`()\` by mistake.`,
      confidence: 0.85,
    };
  },
};

/** Iterating (for-of, spread, array destructuring) a non-iterable value. */
export const notIterableRule: FixRule = {
  id: 'not-iterable',
  title: 'Iterating a value that is not iterable',
  covers: '`TypeError: x is not iterable`, `undefined is not iterable (cannot read property Symbol(Symbol.iterator))`, Python `cannot unpack non-iterable NoneType object`, `\'int\' object is not iterable`',
  confidence: 0.85,
  matcher: {
    message: [
      /cannot unpack non-iterable (?<type>[\w.]{1,100}) object/,
      /'(?<type>[\w.]{1,100})' object is not iterable/,
      /(?<expr>[^\s'"`]{1,200}) is not iterable/,
    ],
  },
  suggest: (ctx) => {
    const line = ctx.codeLine;
    const described = ctx.groups.type ?? ctx.groups.expr;
    // V8 names the expression when it can (`items is not iterable`), else describes the value (`undefined`, `object`).
    const named = ctx.groups.expr !== undefined && !VALUE_WORDS.has(ctx.groups.expr) && !/^\d/.test(ctx.groups.expr) ? ctx.groups.expr : undefined;
    const source =
      named ??
      (line === undefined
        ? undefined
        : (/\bof\s{1,10}([^\s){;]{1,200})/.exec(line)?.[1] ??
          /\]\s{0,10}=\s{0,10}(?:await\s{1,10})?([^;]{1,200})/.exec(line)?.[1]?.trim() ??
          /\.\.\.([\p{L}_$][\p{L}\p{N}_$.]{0,200})/u.exec(line)?.[1] ??
          /\bin\s{1,10}([^:]{1,200}):/.exec(line)?.[1]?.trim() ??
          /^[\p{L}_][\p{L}\p{N}_]{0,60}\s{0,4}(?:,\s{0,4}[\p{L}_][\p{L}\p{N}_]{0,60}\s{0,4}){1,20}=\s{0,10}([^#]{1,200})/u.exec(line)?.[1]?.trim()));
    const what = named === undefined && described !== undefined ? `${inlineCode(described)}, not an iterable` : 'not iterable';
    if (source !== undefined) {
      return {
        detail: `${inlineCode(source)} is ${what} here: check what it holds (an object needs ${inlineCode(`Object.entries(${source})`)}; a promise needs \`await\`; undefined/None means it was never set) or default it to an empty list.`,
        confidence: 0.9,
      };
    }
    return {
      detail: `A ${inlineCode(described ?? 'non-iterable')} value is iterated (for-of, spread, or array destructuring) at this line: check what it holds — an object needs \`Object.entries()\`, a promise needs \`await\`, and undefined/None means it was never set.`,
    };
  },
};

const TEST_GLOBALS = new Set(['describe', 'it', 'test', 'expect', 'jest', 'beforeEach', 'afterEach', 'beforeAll', 'afterAll', 'vi']);
const BROWSER_GLOBALS = new Set(['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'location', 'HTMLElement', 'alert']);
const NODE_GLOBALS = new Set(['process', 'Buffer', 'global', 'setImmediate']);

function notDefined(ctx: RuleContext): RuleOutcome | undefined {
  const name = ctx.groups.name;
  if (name === undefined) return undefined;
  if (ctx.groups.tdz !== undefined) {
    return {
      title: `${name} used before initialization`,
      detail: `${inlineCode(name)} is used before its \`let\`/\`const\`/\`class\` declaration has run (temporal dead zone): move the declaration above this use, or — when ${inlineCode(name)} is imported — break the circular import that makes this module run before the one that defines it.`,
      confidence: 0.9,
    };
  }
  if (TEST_GLOBALS.has(name)) {
    return {
      detail: `${inlineCode(name)} is a test-runner global: run this file with the test runner, or import it explicitly (${inlineCode(`import { ${name} } from '@jest/globals'`)}, or from 'vitest'); with ESLint/TypeScript, add the runner's globals/types.`,
      confidence: 0.9,
    };
  }
  if (BROWSER_GLOBALS.has(name)) {
    return {
      detail: `${inlineCode(name)} exists only in browsers, and this code runs in Node (server rendering, a script, or a test): guard it (${inlineCode(`typeof ${name} !== 'undefined'`)}), move it into browser-only code, or use a DOM test environment (jsdom).`,
      confidence: 0.9,
    };
  }
  if (NODE_GLOBALS.has(name)) {
    return {
      detail: `${inlineCode(name)} is a Node.js global and this code runs in a browser (or a bundle without Node polyfills): pass the value in at build time (e.g. \`import.meta.env\`) or import a polyfill.`,
      confidence: 0.85,
    };
  }
  const python = ctx.pattern === 1;
  return {
    detail: python
      ? `${inlineCode(name)} is not defined where it is used: a typo, a missing \`import\`/\`from … import ${name}\`, or it is assigned only in another function or branch.`
      : `${inlineCode(name)} is not declared in this scope: a typo, a missing import (${inlineCode(`import { ${name} } from '…'`)}), or it is declared inside another block or function.`,
    confidence: 0.85,
  };
}

/** An undeclared name (JavaScript ReferenceError, Python NameError), and the temporal dead zone. */
export const notDefinedRule: FixRule = {
  id: 'not-defined',
  title: 'Name is not defined',
  covers: "`ReferenceError: x is not defined`, `Cannot access 'x' before initialization`, Python `NameError: name 'x' is not defined`",
  confidence: 0.85,
  matcher: {
    errorType: /(?:ReferenceError|NameError)$/,
    message: [
      /(?:^|\s)(?<name>[\p{L}_$][\p{L}\p{N}_$]{0,100}) is not defined(?! in ES module scope)/u,
      /name '(?<name>[^'\n]{1,100})' is not defined/,
      /(?<tdz>Cannot access) '(?<name>[^'\n]{1,100})' before initialization/,
    ],
  },
  suggest: (ctx) => {
    // `require`, `exports`, `module`, `__dirname` in ES modules belong to the ESM/CJS rules.
    if (ctx.pattern === 0 && /^(?:require|exports|module|__dirname|__filename)$/.test(ctx.groups.name ?? '')) return undefined;
    return notDefined(ctx);
  },
};

/** Python: a missing dictionary key. */
export const keyErrorRule: FixRule = {
  id: 'key-error',
  title: 'Missing dictionary key',
  covers: "Python `KeyError: 'x'`",
  confidence: 0.8,
  matcher: { errorType: /KeyError$/, message: [/KeyError: (?<key>'[^'\n]{0,200}'|"[^"\n]{0,200}"|[^\s]{1,200})/] },
  suggest: (ctx) => {
    const key = ctx.groups.key;
    if (key === undefined) return undefined;
    const line = ctx.codeLine;
    let container: string | undefined;
    if (line !== undefined) {
      const bare = key.replace(/^['"]|['"]$/g, '');
      const access = findPropertyAccesses(line, bare)[0];
      container = access?.receiver;
      if (container === undefined) {
        const at = line.indexOf(`[${key}]`);
        if (at > 0) container = /([\p{L}_][\p{L}\p{N}_.]{0,100})$/u.exec(line.slice(0, at))?.[1];
      }
    }
    return container !== undefined && shapeOf(container) !== 'other'
      ? {
          detail: `${inlineCode(container)} has no key ${inlineCode(key)} here: read it with ${inlineCode(`${container}.get(${key})`)} (or a default, ${inlineCode(`${container}.get(${key}, …)`)}), check ${inlineCode(`${key} in ${container}`)} first, or find why the key is missing (spelling, case, data shape).`,
          confidence: 0.9,
        }
      : {
          detail: `The dictionary read at this line has no key ${inlineCode(key)}: use \`.get(${key})\` with a default, check \`${key} in …\` first, or find why the key is missing (spelling, case, data shape).`,
        };
  },
};

/** The rules of this file, in knowledge-base order. */
export const CALL_RULES: readonly FixRule[] = [notAFunctionRule, notIterableRule, notDefinedRule, keyErrorRule];
