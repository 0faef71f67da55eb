/**
 * Guards that make a value safe after an `if`: allow-list and regex validation, key guards against
 * `__proto__` / `constructor` / `prototype`, numeric checks, and path containment checks done right
 * (a prefix check on a resolved or normalised path). A check whose branch leaves the block (throw,
 * return, continue, break) sanitises the value for the rest of the block; any check sanitises it
 * inside its branches. A search for ".." or a prefix check on an unresolved path does not count.
 */
import { childByField, type SyntaxNode } from '../../parsing/lift-tree.js';
import { Clean } from '../taint.js';
import type { JsAnalyzer } from './js-analyzer.js';
import type { Scope } from './js-scope.js';

/** A key (variable or member path) a condition validates, and for which sink classes. */
export interface Guard {
  key: string;
  bits: number;
  /** For a comparison with a dangerous key literal: which one. */
  dangerous?: string;
  /** When the value is safe: if the condition is true, false, or either way (a validator used either way). */
  when: 'true' | 'false' | 'both';
}

type When = Guard['when'];
const flip = (w: When, neg: boolean): When => (!neg || w === 'both' ? w : w === 'true' ? 'false' : 'true');

const DANGEROUS_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Validator names (validator.js style and home-grown): the checked value is safe afterwards. */
const VALIDATOR = /(valid|safe|allowed|proto|pollut|forbidden|blacklist|blocklist|denylist|reserved|dangerous|illegal|prohibited|whitelist|allowlist|permitted|trusted|sanitiz|^isIdentifier$|^isAlphanumeric$|^isAlpha$|^isNumeric$|^isInt(eger)?$|^isNumber$|^isFinite$|^isUUID$|^isEmail$|^isHex|^isSafeInteger$|^isNaN$|^isPort$|^isIP$|^isURL$)/i;

/** True for a validator-like function name (`isValidKey`, `isSafe`, `validateName`). */
export function isValidatorName(name: string): boolean {
  return VALIDATOR.test(name);
}

/** True when a local function (by name) or an inline function compares against __proto__/constructor/prototype. */
export function isKeyGuard(a: JsAnalyzer, fn: SyntaxNode): boolean {
  const target = fn.type === 'identifier' ? a.functions.get(a.text(fn)) : fn;
  if (!target) return false;
  return /['"`](__proto__|constructor|prototype)['"`]/.test(a.text(target));
}

/** True when a statement (or block) always leaves the enclosing block: throw, return, continue, break. */
export function exits(node: SyntaxNode, source: string): boolean {
  if (node.type === 'throw_statement' || node.type === 'return_statement' || node.type === 'continue_statement' || node.type === 'break_statement') return true;
  if (node.type === 'statement_block') return node.children.some((c) => exits(c, source));
  if (node.type === 'expression_statement') {
    const call = node.children[0];
    const fn = call?.type === 'call_expression' ? childByField(call, 'function') : undefined;
    return fn !== undefined && fn.type === 'member_expression' && fn.start !== fn.end && source.slice(fn.start, fn.end) === 'process.exit';
  }
  return false;
}

/** The keys a condition validates. */
export function guardedKeys(a: JsAnalyzer, condition: SyntaxNode, scope: Scope): Guard[] {
  const out: Guard[] = [];
  collect(a, condition, scope, out, false);
  // A key guard must block __proto__ and constructor or prototype: `key === '__proto__'` alone is
  // bypassed through constructor.prototype.
  const seen = new Map<string, Set<string>>();
  for (const g of out) if (g.dangerous) (seen.get(g.key) ?? seen.set(g.key, new Set()).get(g.key)!).add(g.dangerous);
  return out.flatMap((g) => {
    if (!g.dangerous) return [g];
    const lits = seen.get(g.key)!;
    if (!lits.has('__proto__')) return [];
    return [{ key: g.key, when: g.when, bits: lits.has('constructor') || lits.has('prototype') ? Clean.Proto | Clean.ProtoKey : Clean.ProtoKey }];
  });
}

/** Combines the outcome a call's truth maps to with the outcome the regex makes safe. */
function compose(callWhen: When, regexWhen: 'true' | 'false'): When {
  if (callWhen === 'both') return 'both';
  return callWhen === regexWhen ? 'true' : 'false';
}

/** How a regex used as a check validates: an anchored allow-list, a deny-list, unknown (`both`), or not a check. */
function regexGuardKind(text: string): 'true' | 'false' | 'both' | undefined {
  if (!text.startsWith('/')) return /forbidden|invalid|unsafe|illegal|bad/i.test(text) ? 'false' : 'both';
  const body = text.slice(1, text.lastIndexOf('/'));
  if (body.startsWith('^') && /\$\)?$/.test(body)) return 'true';
  if (body.startsWith('[^') || /__proto__|constructor|prototype|\\\.\\\.|\.\./.test(body)) return 'false';
  return undefined;
}

function keyOf(a: JsAnalyzer, node: SyntaxNode | undefined): string | undefined {
  return node ? a.pathKey(node) : undefined;
}

function isStringLiteral(node: SyntaxNode | undefined): node is SyntaxNode {
  return node?.type === 'string';
}

function collect(a: JsAnalyzer, node: SyntaxNode, scope: Scope, out: Guard[], neg: boolean): void {
  switch (node.type) {
    case 'parenthesized_expression':
      for (const c of node.children) if (c.named) collect(a, c, scope, out, neg);
      return;
    case 'unary_expression': {
      const bang = a.text(node).startsWith('!');
      for (const c of node.children) if (c.named) collect(a, c, scope, out, bang ? !neg : neg);
      return;
    }
    case 'binary_expression': {
      const op = childByField(node, 'operator');
      const opText = op ? a.text(op) : '';
      const left = childByField(node, 'left');
      const right = childByField(node, 'right');
      if (!left || !right) return;
      if (opText === '&&' || opText === '||') {
        collect(a, left, scope, out, neg);
        collect(a, right, scope, out, neg);
        return;
      }
      if (opText === 'in') {
        const k = keyOf(a, left);
        if (k) out.push({ key: k, bits: Clean.AllButProto, when: flip('true', neg) });
        return;
      }
      if (/^[!=]==?$/.test(opText)) {
        const eq = opText.startsWith('=');
        // key === '__proto__' (a deny-list: safe when false); x === 'literal' (an allow-list: safe when true); typeof x === 'number'
        for (const [side, other] of [[left, right], [right, left]] as const) {
          if (isStringLiteral(other)) {
            const lit = a.text(other).slice(1, -1);
            if (side.type === 'unary_expression' && a.text(side).startsWith('typeof')) {
              const inner = side.children.find((c) => c.named);
              const k = keyOf(a, inner);
              if (k && (lit === 'number' || lit === 'boolean')) out.push({ key: k, bits: Clean.All, when: flip(eq ? 'true' : 'false', neg) });
              // a value that is not a string cannot carry text into a command or query
              if (k && lit === 'string') out.push({ key: k, bits: Clean.AllButProto, when: flip(eq ? 'false' : 'true', neg) });
              continue;
            }
            const k = keyOf(a, side);
            if (k && DANGEROUS_KEYS.has(lit)) out.push({ key: k, bits: Clean.Proto, dangerous: lit, when: flip(eq ? 'false' : 'true', neg) });
            else if (k && lit !== '') out.push({ key: k, bits: Clean.All, when: flip(eq ? 'true' : 'false', neg) });
          }
        }
        // x.indexOf(root) === 0 / !== 0 (prefix check), arr.indexOf(x) !== -1 (allow-list)
        const zero = left.type === 'number' || right.type === 'number' ? a.text(left.type === 'number' ? left : right) : '';
        const when: When = zero === '0' ? (eq ? 'true' : 'false') : 'both';
        for (const side of [left, right]) if (side.type === 'call_expression') collectCall(a, side, scope, out, true, flip(when, neg));
        return;
      }
      for (const side of [left, right]) if (side.type === 'call_expression') collectCall(a, side, scope, out, true, 'both');
      return;
    }
    case 'call_expression':
      collectCall(a, node, scope, out, false, flip('true', neg));
      return;
    default:
  }
}

function collectCall(a: JsAnalyzer, call: SyntaxNode, scope: Scope, out: Guard[], compared: boolean, when: When): void {
  const fn = childByField(call, 'function');
  const args = childByField(call, 'arguments')?.children.filter((c) => c.named) ?? [];
  if (!fn) return;
  const push = (k: string | undefined, bits: number, w: When = 'both'): void => {
    if (k) out.push({ key: k, bits, when: w });
  };
  if (fn.type === 'member_expression') {
    const obj = childByField(fn, 'object');
    const prop = childByField(fn, 'property');
    const method = prop ? a.text(prop) : '';
    const arg0 = args[0];
    switch (method) {
      case 'test':
      case 'match': {
        // /^[\w-]+$/.test(x) is an allow-list (safe when true), /[^\w-]/.test(x) a deny-list (safe when
        // false); a regex of unknown shape (an identifier) is taken either way.
        const re = method === 'test' ? obj : arg0;
        const w = re ? regexGuardKind(a.text(re)) : undefined;
        if (w) push(keyOf(a, method === 'test' ? arg0 : obj), Clean.All, w === 'both' ? 'both' : compose(when, w));
        return;
      }
      case 'includes':
      case 'has':
      case 'indexOf': {
        // allowList.includes(x), set.has(x); but x.includes('..') / x.indexOf('..') is not a check
        if (arg0 && isStringLiteral(arg0)) {
          const lit = a.text(arg0).slice(1, -1);
          if ((method === 'indexOf' || method === 'includes') && (lit.includes('..') || lit === '/' || lit === '\\')) return;
        }
        if (method === 'indexOf' && compared && arg0 && !isStringLiteral(arg0)) {
          // p.indexOf(root) === 0: a prefix check, right only on a resolved path
          const k = keyOf(a, obj);
          if (k && a.keyValue(k, scope)?.normalized) push(k, Clean.Path, when);
        }
        if (obj && (obj.type === 'array' || obj.type === 'identifier' || obj.type === 'member_expression')) push(keyOf(a, arg0), Clean.All);
        return;
      }
      case 'startsWith': {
        // resolved.startsWith(root): a containment check when `resolved` went through path.resolve/normalize/join
        if (obj?.type === 'call_expression' && /relative/.test(a.text(obj))) {
          const rel = childByField(obj, 'arguments')?.children.filter((c) => c.named)[1];
          push(keyOf(a, rel), Clean.Path, when === 'true' ? 'false' : when === 'false' ? 'true' : 'both');
          return;
        }
        const k = keyOf(a, obj);
        if (k && a.keyValue(k, scope)?.normalized) push(k, Clean.Path, when);
        return;
      }
      case 'hasOwnProperty':
      case 'hasOwn':
      case 'call': {
        // obj.hasOwnProperty(x), Object.hasOwn(o, x), hasOwnProperty.call(o, x)
        if (method === 'call' && !/hasOwnProperty|propertyIsEnumerable/.test(a.text(fn))) return;
        push(keyOf(a, method === 'hasOwnProperty' ? arg0 : args[1]), Clean.AllButProto, when);
        return;
      }
      default:
        if (VALIDATOR.test(method) || /^Number\.is/.test(a.text(fn))) for (const arg of args) push(keyOf(a, arg), Clean.All);
        return;
    }
  }
  if (fn.type === 'identifier') {
    const name = a.text(fn);
    if (VALIDATOR.test(name) || name === 'isNaN' || name === 'isFinite' || isKeyGuard(a, fn)) for (const arg of args) push(keyOf(a, arg), Clean.All);
    else if (/^is(Posix|Windows)?Path(Inside|Within|In)$|^isInside|^isWithin|^contains?Path$|^isSubPath|^pathIsInside$/.test(name)) {
      for (const arg of args) push(keyOf(a, arg), Clean.All);
    }
  }
}

