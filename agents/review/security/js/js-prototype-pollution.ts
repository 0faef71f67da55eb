/**
 * Prototype pollution: a write `target[key] = value` where the key comes from outside data
 * (iterated keys of a parameter, a split path, a parameter) and the target can be an inherited
 * object — because the function walks a path (`cur = cur[key]`), recurses into `target[key]`
 * (deep merge / extend / clone-into), or writes two levels at once (`obj[a][b] = v`) — with no
 * guard against `__proto__`, `constructor` and `prototype` on the key.
 */
import { childByField, type SyntaxNode } from '../../parsing/lift-tree.js';
import { Clean, Level, reaches } from '../taint.js';
import type { JsAnalyzer } from './js-analyzer.js';
import type { Scope } from './js-scope.js';

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Checks one assignment whose left side is a subscript expression. */
export function checkPrototypePollution(a: JsAnalyzer, assign: SyntaxNode, left: SyntaxNode, scope: Scope): void {
  const objNode = childByField(left, 'object');
  const index = childByField(left, 'index');
  if (!objNode || !index) return;
  if (index.type === 'string' || index.type === 'number' || index.type === 'template_string' && !index.children.some((c) => c.type === 'template_substitution')) return;
  const key = a.taintOf(index, scope);
  if (!reaches(key, Clean.Proto, Level.Param)) return;
  // Blocking __proto__ alone stops a one-level write but not constructor.prototype through a deep walk.
  const protoOnly = (key.sanitized & Clean.ProtoKey) !== 0;
  const owner = scope.fn.owner;
  const objText = a.text(objNode);
  if (objNode.type === 'identifier' && owner.nullProto.has(objText)) return;
  const target = a.taintOf(objNode, scope);
  let why: string | undefined;
  if (objNode.type === 'subscript_expression') {
    const innerIndex = childByField(objNode, 'index');
    const innerKey = innerIndex ? a.taintOf(innerIndex, scope) : undefined;
    if (innerIndex && innerIndex.type !== 'string' && innerIndex.type !== 'number' && reaches(innerKey, Clean.Proto, Level.Param) && !(protoOnly && (innerKey.sanitized & Clean.ProtoKey) !== 0)) {
      why = 'writes two levels deep with outside keys';
    }
  }
  const body = owner.node;
  if (!why && body && objNode.type === 'identifier') {
    const walk = walksPath(a, declaringFunction(a, assign, objText) ?? body, objText);
    if (walk && !(protoOnly && walk === 'once')) why = `walks a path into ${objText}`;
  }
  const targetOk = (target !== undefined && target.level >= Level.Param) || objNode.type === 'this';
  if (!why && body && targetOk && (objNode.type === 'identifier' || objNode.type === 'this')) {
    // keys read from the target itself (`for (k in obj) obj[k] = f(obj[k])`) only reach its own values
    const sameObject = target !== undefined && target.origin.start === key.origin.start && target.origin.end === key.origin.end;
    if (!sameObject && recursesInto(a, body, a.functionNames(body), objText)) why = `recursively merges into ${objText}`;
  }
  if (!why) return;
  // An own-property check on the target (`hasOwnProperty.call(target, key)`) keeps inherited objects out.
  const ownCheck = new RegExp(`hasOwnProperty\\.call\\(\\s*${escapeRe(objText)}\\s*,\\s*${escapeRe(a.text(index))}\\s*\\)|${escapeRe(objText)}\\.hasOwnProperty\\(\\s*${escapeRe(a.text(index))}\\s*\\)|Object\\.hasOwn\\(\\s*${escapeRe(objText)}\\s*,`);
  if (body && ownCheck.test(a.text(declaringFunction(a, assign, objText) ?? body))) return;
  // With __proto__ blocked, constructor.prototype is reached only through a function value: code
  // that descends only into plain objects (`typeof target[key] === 'object'`) is safe.
  if (protoOnly && body && descendsOnlyIntoObjects(a, body, objText, a.text(index))) return;
  const guardNote = protoOnly ? ' (its guard blocks __proto__ but not constructor.prototype)' : ', with no guard against __proto__, constructor and prototype';
  a.report({
    cls: 'prototype-pollution',
    at: assign,
    taint: key,
    message: `Prototype pollution: ${objText.slice(0, 40)}[${a.text(index).slice(0, 30)}] is assigned with a key from ${key.source} and the function ${why}${guardNote}`,
    sink: `${objText.slice(0, 40)}[key] = …`,
    severity: key.level >= Level.User ? 'error' : 'warning',
    confidence: 0.7,
  });
}

/**
 * How the function reassigns `name` from a property: `'repeat'` for `cur = cur[k]` (a walk of any
 * depth), `'once'` for `p = out[section]` (one level), undefined when it does not.
 */
function walksPath(a: JsAnalyzer, fn: SyntaxNode, name: string, depth = 0): 'repeat' | 'once' | undefined {
  const self = new RegExp(`(^|[^\\w$.])${escapeRe(name)}\\s*(\\[|\\.\\w)`);
  let found: 'repeat' | 'once' | undefined;
  visitScope(a, fn, name, (n) => {
    if (found === 'repeat' || n.type !== 'assignment_expression') return;
    const l = childByField(n, 'left');
    const r = childByField(n, 'right');
    if (l?.type !== 'identifier' || a.text(l) !== name || !r) return;
    // `parent = obj` where `obj = obj[key]` walks: parent walks too
    if (r.type === 'identifier' && depth === 0 && a.text(r) !== name) {
      const via = walksPath(a, fn, a.text(r), 1);
      if (via === 'repeat' || (via === 'once' && found === undefined)) found = via;
      return;
    }
    const rhs = a.text(r);
    const keys = computedKeys(r);
    // a walk whose key was already checked (earlier in the function) cannot reach a prototype
    const guarded = (bit: number): boolean => keys.length > 0 && keys.every((k) => {
      const m = a.memoOf(k);
      return m.has && (m.value === undefined || (m.value.sanitized & bit) !== 0);
    });
    if (self.test(rhs)) {
      if (!guarded(Clean.Proto)) found = 'repeat';
    } else if (keys.length > 0 && !guarded(Clean.ProtoKey | Clean.Proto) && found === undefined) found = 'once';
  });
  return found;
}

/** True when the function checks that `obj[key]` (or a variable read from it) is a plain object, not a function. */
function descendsOnlyIntoObjects(a: JsAnalyzer, fn: SyntaxNode, obj: string, key: string): boolean {
  const text = a.text(fn);
  const read = `${escapeRe(obj)}\\s*\\[\\s*${escapeRe(key)}\\s*\\]`;
  const names = [read, ...[...variablesReadFrom(a, fn, obj)].map(escapeRe)];
  return names.some((n) => new RegExp(`typeof\\s+${n}\\s*[!=]==?\\s*['"]object['"]|toString\\.call\\(\\s*${n}\\s*\\)|isPlainObject\\(\\s*${n}\\s*\\)`).test(text));
}

/** The non-literal keys an expression reads with `x[k]`. */
function computedKeys(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  visit(node, (n) => {
    if (n.type !== 'subscript_expression') return;
    const index = childByField(n, 'index');
    if (index && index.type !== 'string' && index.type !== 'number') out.push(index);
  });
  return out;
}

/** True when the function calls itself (directly or through another local function) passing a property of something. */
function recursesInto(a: JsAnalyzer, fn: SyntaxNode, names: readonly string[], target: string): boolean {
  if (names.length === 0) return false;
  const self = new Set(names);
  const calls = callsIn(a, fn);
  const passes = (c: { args: SyntaxNode[] }): boolean => c.args.some((arg) => passesProperty(a, fn, arg, target));
  for (const c of calls) if (self.has(c.callee) && passes(c)) return true;
  // one level of mutual recursion: fn passes a property to a helper that calls (or passes on) fn
  for (const c of calls) {
    const helper = a.functions.get(c.callee);
    if (!helper || self.has(c.callee) || helper === fn || !passes(c)) continue;
    for (const inner of callsIn(a, helper)) if (self.has(inner.callee) || inner.args.some((x) => x.type === 'identifier' && self.has(a.text(x)))) return true;
  }
  return false;
}

/** Variables a function assigns from `target[...]`, cached per function and target. */
const readsCache = new WeakMap<SyntaxNode, Map<string, Set<string>>>();

function variablesReadFrom(a: JsAnalyzer, fn: SyntaxNode, target: string): Set<string> {
  let byTarget = readsCache.get(fn);
  if (!byTarget) readsCache.set(fn, (byTarget = new Map()));
  let names = byTarget.get(target);
  if (!names) {
    names = new Set();
    const text = a.text(fn);
    const direct = new RegExp(`(?:^|[^\\w$.])([A-Za-z_$][\\w$]*)\\s*=\\s*[^;\\n=]{0,200}?\\b${escapeRe(target)}\\s*\\[`, 'g');
    for (const m of text.matchAll(direct)) names.add(m[1]!);
    // two hops: `src = target[name]; clone = src && isPlainObject(src) ? src : {}` (jQuery.extend)
    if (names.size > 0) {
      const assign = /(?:^|[^\w$.])([A-Za-z_$][\w$]*)\s*=\s*([^;\n=]{1,200})/g;
      for (const m of text.matchAll(assign)) {
        if (names.has(m[1]!)) continue;
        for (const id of m[2]!.match(/[A-Za-z_$][\w$]*/g) ?? []) {
          if (names.has(id)) {
            names.add(m[1]!);
            break;
          }
        }
      }
    }
    byTarget.set(target, names);
  }
  return names;
}

/** True when a call argument is a property of `target` (`target[key]`) or a variable read from one. */
function passesProperty(a: JsAnalyzer, fn: SyntaxNode, arg: SyntaxNode, target: string): boolean {
  const t = escapeRe(target);
  if (arg.type !== 'identifier') return new RegExp(`^\\(?\\s*${t}\\s*[[.]`).test(a.text(arg));
  return variablesReadFrom(a, fn, target).has(a.text(arg));
}

function callsIn(a: JsAnalyzer, fn: SyntaxNode): { callee: string; args: SyntaxNode[] }[] {
  const out: { callee: string; args: SyntaxNode[] }[] = [];
  visit(fn, (n) => {
    if (n.type !== 'call_expression') return;
    const f = childByField(n, 'function');
    if (!f) return;
    let callee: string | undefined;
    if (f.type === 'identifier') callee = a.text(f);
    else if (f.type === 'member_expression') {
      const p = childByField(f, 'property');
      if (p) callee = a.text(p);
      if (callee === 'call' || callee === 'apply') {
        const inner = childByField(f, 'object');
        callee = inner ? a.text(inner).split('.').pop() : undefined;
      }
    }
    const args = childByField(n, 'arguments')?.children.filter((c) => c.named) ?? [];
    if (callee) out.push({ callee, args });
  });
  return out;
}

const FUNCTIONS = new Set(['function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function']);

/** The nearest function around `node` that declares `name` (as a parameter or variable). */
function declaringFunction(a: JsAnalyzer, node: SyntaxNode, name: string): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (FUNCTIONS.has(n.type) && declaresName(a, n, name)) return n;
  return undefined;
}

function declaresName(a: JsAnalyzer, f: SyntaxNode, name: string): boolean {
  const params = childByField(f, 'parameters') ?? childByField(f, 'parameter');
  if (params && new RegExp(`(^|[^\\w$.])${escapeRe(name)}\\b`).test(a.text(params))) return true;
  const body = childByField(f, 'body');
  return body !== undefined && new RegExp(`\\b(var|let|const)\\s+${escapeRe(name)}\\b`).test(a.text(body));
}

/** Visits a function's nodes, skipping nested functions that declare their own `name`. */
function visitScope(a: JsAnalyzer, root: SyntaxNode, name: string, fn: (n: SyntaxNode) => void): void {
  const stack = [root];
  const declares = (f: SyntaxNode): boolean => declaresName(a, f, name);
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n !== root && FUNCTIONS.has(n.type) && declares(n)) continue;
    fn(n);
    for (const c of n.children) if (c.named) stack.push(c);
  }
}

function visit(node: SyntaxNode, fn: (n: SyntaxNode) => void): void {
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    fn(n);
    for (const c of n.children) if (c.named) stack.push(c);
  }
}
