/**
 * TypeScript compile errors, one rule per common code. Patterns accept the message with or
 * without its `error TS2322: ` prefix; the phrases themselves are TypeScript's own.
 */
import {
  chainAt,
  findCalls,
  findPropertyAccesses,
  inlineCode,
  lastName,
  optionalAccess,
  pickAccess,
  pickCall,
} from '../code-line.js';
import type { FixRule, RuleContext, RuleOutcome } from '../fix-rule.js';
import { packageName } from './module-rules.js';

function tsRule(
  code: number,
  title: string,
  covers: string,
  patterns: readonly RegExp[],
  suggest: (ctx: RuleContext) => RuleOutcome | undefined,
  confidence = 0.85,
): FixRule {
  return { id: `ts${code}`, title: `TS${code}: ${title}`, covers, confidence, matcher: { message: patterns }, suggest };
}

const JEST_NAMES = new Set(['describe', 'it', 'test', 'expect', 'jest', 'beforeEach', 'afterEach', 'beforeAll', 'afterAll']);
const NODE_NAMES = new Set(['process', 'Buffer', 'require', 'module', '__dirname', '__filename', 'global', 'setImmediate', 'NodeJS']);
const DOM_NAMES = new Set(['window', 'document', 'navigator', 'HTMLElement', 'HTMLInputElement', 'localStorage', 'fetch', 'Response', 'Request', 'URLSearchParams', 'Event', 'console']);

/** `const n: number = …` → `n`. */
function declaredName(line: string | undefined): string | undefined {
  return line !== undefined ? /\b(?:const|let|var)\s{1,10}([\p{L}_$][\p{L}\p{N}_$]{0,100})\s{0,10}:/u.exec(line)?.[1] : undefined;
}

function mayBeMissing(type: string): 'undefined' | 'null' | undefined {
  if (/(?:^|\| )undefined(?: \||$)/.test(type)) return 'undefined';
  if (/(?:^|\| )null(?: \||$)/.test(type)) return 'null';
  return undefined;
}

/** The TypeScript rules, in knowledge-base order. */
export const TYPESCRIPT_RULES: readonly FixRule[] = [
  tsRule(2304, 'Cannot find name', "`TS2304: Cannot find name 'x'`, and its variants with a types hint (TS2580, TS2582, TS2593)", [/(?:TS(?:2304|2580|2582|2593): )?Cannot find name '(?<name>[^'\n]{1,200})'/], (ctx) => {
    const name = ctx.groups.name;
    if (name === undefined) return undefined;
    if (/Do you need to (?:install type definitions|change your target library)/.test(ctx.message) || JEST_NAMES.has(name) || NODE_NAMES.has(name) || DOM_NAMES.has(name)) {
      const types = JEST_NAMES.has(name) ? '@types/jest' : NODE_NAMES.has(name) ? '@types/node' : undefined;
      if (types !== undefined) {
        return {
          detail: `${inlineCode(name)} is a global whose types are not loaded: install them (${inlineCode(`npm i -D ${types}`)}) and, if tsconfig sets \`"types"\`, add ${inlineCode(types.replace('@types/', ''))} to it${JEST_NAMES.has(name) ? `; or import it (${inlineCode(`import { ${name} } from '@jest/globals'`)})` : ''}.`,
          confidence: 0.95,
        };
      }
      return { detail: `${inlineCode(name)} is a browser (DOM) global: add \`"DOM"\` to \`"lib"\` in tsconfig if this code runs in a browser; in Node code use the Node equivalent instead.`, confidence: 0.9 };
    }
    const suggestion = /Did you mean '(?<m>[^'\n]{1,200})'\?/.exec(ctx.message)?.groups?.m;
    if (suggestion !== undefined) return { detail: `${inlineCode(name)} is not declared; TypeScript suggests ${inlineCode(suggestion)} — rename it, or declare/import ${inlineCode(name)}.`, confidence: 0.95 };
    return {
      detail: `${inlineCode(name)} is not declared in this scope: import it (${inlineCode(`import { ${name} } from '…'`)}), declare it, or fix its spelling; if it comes from a global script or library, declare its type (\`declare const ${name}: …\` or its @types package).`,
    };
  }),
  tsRule(2307, 'Cannot find module', "`TS2307: Cannot find module 'x' or its corresponding type declarations`", [/(?:TS2307: )?Cannot find module '(?<spec>[^'\n]{1,300})' or its corresponding type declarations/], (ctx) => {
    const spec = ctx.groups.spec;
    if (spec === undefined) return undefined;
    const pkg = packageName(spec);
    if (pkg === undefined) {
      return {
        detail: `No file ${inlineCode(spec)} relative to this file: fix the path and letter case${/\.js$/.test(spec) ? ' (with NodeNext, `./x.js` refers to `./x.ts`: check that the `.ts` exists)' : ` — with NodeNext/ESM resolution write the extension TypeScript will emit (${inlineCode(`${spec}.js`)})`}; also check tsconfig \`include\` and \`paths\`.`,
      };
    }
    const typesName = pkg.startsWith('@') ? `@types/${pkg.slice(1).replace('/', '__')}` : `@types/${pkg}`;
    return {
      title: `TS2307: Cannot find module ${pkg}`,
      detail: `${inlineCode(pkg)} is not installed, or ships no types: ${inlineCode(`npm install ${pkg}`)}; if it is installed, add its types (${inlineCode(`npm i -D ${typesName}`)}) or declare it (\`declare module '${pkg}';\`); also check \`moduleResolution\` (\`NodeNext\`/\`Bundler\` read the package's \`exports\`).`,
    };
  }),
  tsRule(2835, 'Relative import needs an extension', "`TS2835: Relative import paths need explicit file extensions … Did you mean './x.js'?`", [/(?:TS2835: )?Relative import paths need explicit file extensions in ECMAScript imports[^\n]{0,200}?(?:Did you mean '(?<fix>[^'\n]{1,300})'\?)?$/m], (ctx) => {
    const fix = ctx.groups.fix;
    const spec = fix?.replace(/\.js$/, '');
    return {
      detail: fix !== undefined ? `Write ${inlineCode(fix)} instead of ${inlineCode(spec ?? '')}: ES module imports need the extension of the emitted file (\`.js\`, also for a \`.ts\` source).` : 'Add the emitted file\'s extension (`.js`, also for a `.ts` source) to this relative import.',
      confidence: 0.95,
    };
  }),
  tsRule(2322, 'Type not assignable', "`TS2322: Type 'A' is not assignable to type 'B'`", [/(?:TS2322: )?Type '(?<src>[^\n]{1,300}?)' is not assignable to type '(?<dst>[^\n]{1,300}?)'\.?(?:\n|$)/], (ctx) => {
    const { src, dst } = ctx.groups;
    if (src === undefined || dst === undefined) return undefined;
    const target = declaredName(ctx.codeLine);
    const subject = target !== undefined ? `${inlineCode(target)} is declared as ${inlineCode(dst)} but gets a ${inlineCode(src)}` : `A ${inlineCode(src)} value is used where ${inlineCode(dst)} is required`;
    const missing = mayBeMissing(src);
    if (missing !== undefined && mayBeMissing(dst) === undefined) {
      return { detail: `${subject}: the value may be \`${missing}\` — narrow it first (\`if (x === ${missing}) …\`), give a default (\`x ?? …\`), or allow \`${missing}\` in the declared type.`, confidence: 0.9 };
    }
    if (src === 'string' && dst === 'number') return { detail: `${subject}: convert it (\`Number(x)\`, checking for \`NaN\`) or change the declared type.`, confidence: 0.9 };
    if (src === 'number' && dst === 'string') return { detail: `${subject}: convert it (\`String(x)\`) or change the declared type.`, confidence: 0.9 };
    return { detail: `${subject}: convert or narrow the value to ${inlineCode(dst)}, or fix the declared type if ${inlineCode(src)} is what the code really holds.` };
  }),
  tsRule(2339, 'Property does not exist', "`TS2339: Property 'x' does not exist on type 'T'`", [/(?:TS2339: )?Property '(?<prop>[^'\n]{1,200})' does not exist on type '(?<type>[^\n]{1,300}?)'\.?(?:\n|$)/], (ctx) => {
    const { prop, type } = ctx.groups;
    if (prop === undefined || type === undefined) return undefined;
    const access = ctx.codeLine !== undefined ? pickAccess(findPropertyAccesses(ctx.codeLine, prop), ctx.fault?.column) : undefined;
    const at = access !== undefined ? ` (${inlineCode(access.text)})` : '';
    if (type === 'never') return { detail: `The value is narrowed to \`never\` here${at}, so it has no ${inlineCode(prop)}: an earlier check excluded every type — re-check the narrowing (\`typeof\`/\`in\`/discriminant) before this line.` };
    if (type === '{}' || type === 'object' || type === 'unknown') return { detail: `The value is typed ${inlineCode(type)}${at}, which has no known properties: give it a real type (a typed parse result, a generic argument, an interface) before reading ${inlineCode(prop)}.` };
    return {
      detail: `${inlineCode(type)} has no property ${inlineCode(prop)}${at}: fix the spelling, add ${inlineCode(prop)} to ${inlineCode(type)}'s declaration, or — when the value is a union — narrow it first (${inlineCode(`'${prop}' in ${access?.receiver ?? 'x'}`)}).`,
    };
  }),
  tsRule(2551, 'Property does not exist (did you mean)', "`TS2551: Property 'lenght' does not exist on type 'T'. Did you mean 'length'?`", [/(?:TS2551: )?Property '(?<prop>[^'\n]{1,200})' does not exist on type '(?<type>[^\n]{1,300}?)'\. Did you mean '(?<fix>[^'\n]{1,200})'\?/], (ctx) => {
    const { prop, fix } = ctx.groups;
    if (prop === undefined || fix === undefined) return undefined;
    const access = ctx.codeLine !== undefined ? pickAccess(findPropertyAccesses(ctx.codeLine, prop), ctx.fault?.column) : undefined;
    return {
      detail: access !== undefined ? `Rename ${inlineCode(access.text)} to ${inlineCode(`${access.receiver}.${fix}`)}: ${inlineCode(prop)} is a misspelling of ${inlineCode(fix)}.` : `Rename ${inlineCode(prop)} to ${inlineCode(fix)}: it is a misspelling.`,
      confidence: 0.95,
    };
  }, 0.95),
  tsRule(2345, 'Argument not assignable', "`TS2345: Argument of type 'A' is not assignable to parameter of type 'B'`", [/(?:TS2345: )?Argument of type '(?<src>[^\n]{1,300}?)' is not assignable to parameter of type '(?<dst>[^\n]{1,300}?)'\.?(?:\n|$)/], (ctx) => {
    const { src, dst } = ctx.groups;
    if (src === undefined || dst === undefined) return undefined;
    const call = ctx.codeLine !== undefined ? pickCall(findCalls(ctx.codeLine), ctx.fault?.column) : undefined;
    const site = call !== undefined ? `The call ${inlineCode(call.text)} passes` : 'An argument is';
    const missing = mayBeMissing(src);
    if (missing !== undefined && mayBeMissing(dst) === undefined) {
      return { detail: `${site} a value that may be \`${missing}\` (${inlineCode(src)}) where ${inlineCode(dst)} is required: check it first (\`if (x !== ${missing})\`), pass a default (\`x ?? …\`), or let the parameter accept \`${missing}\`.`, confidence: 0.9 };
    }
    const convert = src === 'string' && dst === 'number' ? ' (`Number(x)`)' : src === 'number' && dst === 'string' ? ' (`String(x)`)' : '';
    return { detail: `${site} a ${inlineCode(src)} where ${inlineCode(dst)} is expected: convert the argument${convert}, pass the right value, or change the parameter's type if it should accept ${inlineCode(src)}.` };
  }),
  tsRule(7006, 'Parameter implicitly any', "`TS7006: Parameter 'x' implicitly has an 'any' type`", [/(?:TS7006: )?Parameter '(?<name>[^'\n]{1,200})' implicitly has an '(?<type>[^'\n]{1,40})' type/], (ctx) => {
    const name = ctx.groups.name;
    if (name === undefined) return undefined;
    return {
      detail: `Annotate ${inlineCode(name)}: ${inlineCode(`(${name}: SomeType) => …`)} — or, for a callback, type what it is passed to (a typed array's \`.map\`, a typed event handler) so TypeScript infers ${inlineCode(name)}.`,
      confidence: 0.9,
    };
  }, 0.9),
  tsRule(18048, 'Possibly undefined', "`TS18048: 'x.y' is possibly 'undefined'` (and TS18047 `null`)", [/(?:TS1804[78]: )?'(?<expr>[^'\n]{1,300})' is possibly '(?<value>undefined|null)'/], (ctx) => {
    const { expr, value } = ctx.groups;
    if (expr === undefined) return undefined;
    const v = value ?? 'undefined';
    const line = ctx.codeLine;
    const after = line !== undefined ? line.indexOf(`${expr}.`) : -1;
    const prop = after >= 0 && line !== undefined ? /^\.([\p{L}_$][\p{L}\p{N}_$]{0,100})/u.exec(line.slice(after + expr.length))?.[1] : undefined;
    const chained = prop !== undefined ? ` (${inlineCode(optionalAccess(expr, prop))})` : '';
    return {
      detail: `${inlineCode(expr)} may be \`${v}\` here: narrow it (${inlineCode(`if (${expr}) { … }`)}), use optional chaining${chained}, or give a default (${inlineCode(`${expr} ?? …`)}); use \`${expr}!\` only if it can really never be ${v}.`,
      confidence: 0.9,
    };
  }, 0.9),
  tsRule(2532, 'Object is possibly undefined', "`TS2532: Object is possibly 'undefined'` (and TS2531 `null`)", [/(?:TS253[12]: )?Object is possibly '(?<value>undefined|null)'/], (ctx) => {
    const v = ctx.groups.value ?? 'undefined';
    const line = ctx.codeLine;
    const column = ctx.fault?.column;
    let expr = line !== undefined && column !== undefined ? chainAt(line, column - 1) : undefined;
    if (expr !== undefined) {
      // The possibly-undefined part is the chain up to its last index access, or without its last member.
      const lastBracket = expr.lastIndexOf(']');
      if (lastBracket > 0) expr = expr.slice(0, lastBracket + 1);
      else if (expr.includes('.')) expr = expr.slice(0, expr.lastIndexOf('.')).replace(/\?$/, '');
    }
    if (expr !== undefined && expr.length > 0) {
      const indexed = expr.endsWith(']') ? ' (with `noUncheckedIndexedAccess`, every index read may be `undefined`)' : '';
      return {
        detail: `${inlineCode(expr)} may be \`${v}\` here${indexed}: check it first (${inlineCode(`const x = ${expr}; if (x !== ${v}) …`)}), use optional chaining, or give a default (\`?? …\`).`,
        confidence: 0.9,
      };
    }
    return { detail: `An expression at this position may be \`${v}\`: narrow it with a check, optional chaining (\`?.\`) or a default (\`??\`); with \`noUncheckedIndexedAccess\`, array and record reads count too.` };
  }),
  tsRule(18046, 'Value is of type unknown', "`TS18046: 'e' is of type 'unknown'`", [/(?:TS18046: )?'(?<name>[^'\n]{1,200})' is of type 'unknown'/], (ctx) => {
    const name = ctx.groups.name;
    if (name === undefined) return undefined;
    const inCatch = ctx.codeLine !== undefined && /\bcatch\s{0,4}\(/.test(ctx.codeLine);
    return {
      detail: inCatch || /^(?:e|err|error|ex)$/.test(name)
        ? `A caught value is \`unknown\` (anything can be thrown): narrow ${inlineCode(name)} first — ${inlineCode(`if (${name} instanceof Error) { …${name}.message… }`)} — or format it with ${inlineCode(`String(${name})`)}.`
        : `${inlineCode(name)} is \`unknown\`: narrow it (\`typeof\`, \`instanceof\`, or a schema such as zod) before using it.`,
      confidence: 0.9,
    };
  }, 0.9),
  tsRule(2554, 'Wrong number of arguments', '`TS2554: Expected 2 arguments, but got 1`', [/(?:TS2554: )?Expected (?<expected>\d{1,3}(?:-\d{1,3})?) arguments?, but got (?<got>\d{1,3})/], (ctx) => {
    const { expected, got } = ctx.groups;
    const call = ctx.codeLine !== undefined ? pickCall(findCalls(ctx.codeLine), ctx.fault?.column) : undefined;
    const name = call !== undefined ? inlineCode(lastName(call.callee) ?? call.callee) : 'The function';
    return {
      detail: `${name} takes ${expected ?? 'a different number of'} argument${expected === '1' ? '' : 's'}, but ${call !== undefined ? inlineCode(call.text) : 'this call'} passes ${got ?? 'another number'}: pass the missing argument${Number(got) > Number(expected) ? 's — or remove the extra ones' : 's'}, or make the parameter optional (\`p?: T\` / a default) if callers may omit it.`,
    };
  }),
  tsRule(2305, 'No exported member', "`TS2305: Module '\"./a\"' has no exported member 'x'` (and TS2614, where it is the default export)", [/(?:TS(?:2305|2614): )?Module '"?(?<mod>[^'"\n]{1,300})"?' has no exported member '(?<name>[^'\n]{1,200})'/], (ctx) => {
    const { mod, name } = ctx.groups;
    if (mod === undefined || name === undefined) return undefined;
    const suggestion = /Did you mean '(?<m>[^'\n]{1,200})'\?/.exec(ctx.message)?.groups?.m;
    const asDefault = /Did you mean to use '(?<imp>[^'\n]{1,300})' instead\?/.exec(ctx.message)?.groups?.imp;
    if (asDefault !== undefined) {
      return { detail: `${inlineCode(name)} is the default export of ${inlineCode(mod)}, not a named one: write ${inlineCode(asDefault)}.`, confidence: 0.95 };
    }
    return {
      detail: `${inlineCode(mod)} does not export ${inlineCode(name)}: ${suggestion !== undefined ? `TypeScript suggests ${inlineCode(suggestion)}; ` : ''}check the name, whether it is the default export (${inlineCode(`import ${name} from '${mod}'`)}), or add \`export\` to its declaration in ${inlineCode(mod)}.`,
    };
  }),
  tsRule(2741, 'Required property missing', "`TS2741: Property 'x' is missing in type 'A' but required in type 'B'`", [/(?:TS2741: )?Property '(?<prop>[^'\n]{1,200})' is missing in type '(?<src>[^\n]{1,300}?)' but required in type '(?<dst>[^'\n]{1,300})'/], (ctx) => {
    const { prop, dst } = ctx.groups;
    if (prop === undefined || dst === undefined) return undefined;
    return { detail: `${inlineCode(dst)} requires ${inlineCode(prop)}: add ${inlineCode(`${prop}: …`)} to this object, or make it optional in ${inlineCode(dst)} (${inlineCode(`${prop}?:`)}) if it may be absent.`, confidence: 0.9 };
  }, 0.9),
  tsRule(2353, 'Unknown property in object literal', "`TS2353: Object literal may only specify known properties, and 'x' does not exist in type 'T'`", [/(?:TS2353: )?Object literal may only specify known properties, and '(?<prop>[^'\n]{1,200})' does not exist in type '(?<type>[^\n]{1,300}?)'\.?(?:\n|$)/], (ctx) => {
    const { prop, type } = ctx.groups;
    if (prop === undefined || type === undefined) return undefined;
    return { detail: `${inlineCode(type)} has no ${inlineCode(prop)}: remove it from the object literal (a typo of another property?) or add ${inlineCode(prop)} to ${inlineCode(type)}.`, confidence: 0.9 };
  }, 0.9),
  tsRule(1192, 'No default export', "`TS1192: Module '\"x\"' has no default export`, `TS1259: … can only be default-imported using the 'esModuleInterop' flag`", [/(?:TS1192: )?Module '"?(?<mod>[^'"\n]{1,300})"?' has no default export/, /(?:TS1259: )?Module '"?(?<mod>[^'"\n]{1,300})"?' can only be default-imported using the '(?<flag>esModuleInterop|allowSyntheticDefaultImports)' flag/], (ctx) => {
    const mod = ctx.groups.mod ?? 'the module';
    if (ctx.groups.flag !== undefined) {
      return { detail: `${inlineCode(mod)} is CommonJS: enable ${inlineCode(`"esModuleInterop": true`)} in tsconfig, or import it as ${inlineCode(`import * as x from '${mod}'`)}.`, confidence: 0.9 };
    }
    return { detail: `${inlineCode(mod)} has no default export: import what it exports by name (${inlineCode(`import { … } from '${mod}'`)}) or the namespace (${inlineCode(`import * as x from '${mod}'`)}).` };
  }),
];
