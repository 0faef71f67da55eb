/**
 * How taint flows through JavaScript/TypeScript expressions: identifiers and member chains (with
 * request, message and archive-entry sources), template strings and concatenation (keeping the
 * constant text for SQL detection), and calls (sanitisers, propagators, summaries of local helpers).
 */
import { childByField, type SyntaxNode } from '../../parsing/lift-tree.js';
import { Level, join, joinAll, source, withProps, type Value } from '../taint.js';
import type { JsAnalyzer } from './js-analyzer.js';
import type { Scope } from './js-scope.js';
import { callResultTaint } from './js-sinks.js';
import { isRequestMethodCall, memberSource } from './js-sources.js';

/** Node types of functions. */
export const FUNCTION_TYPES = new Set(['function_declaration', 'generator_function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition', 'generator_function']);
/** Wrappers whose value is their inner expression. */
export const PASS_THROUGH = new Set(['parenthesized_expression', 'await_expression', 'non_null_expression', 'as_expression', 'satisfies_expression', 'type_assertion', 'spread_element']);
const CONSTANT_GLOBALS = new Set(['undefined', 'NaN', 'Infinity', '__dirname', '__filename', 'module', 'exports', 'require', 'Math', 'JSON', 'Object', 'Array', 'String', 'Number', 'Boolean', 'Date', 'RegExp', 'Promise', 'Symbol', 'Error', 'Buffer', 'console', 'process', 'globalThis', 'window', 'document']);

/** The taint of an expression (uncached: callers go through `JsAnalyzer.taintOf`). */
export function computeTaint(a: JsAnalyzer, node: SyntaxNode, scope: Scope): Value {
  switch (node.type) {
    case 'identifier':
    case 'shorthand_property_identifier': {
      const name = a.text(node);
      if (scope.has(name)) return scope.get(name);
      if (name === 'arguments') return source(Level.Param, 'arguments', node);
      if (CONSTANT_GLOBALS.has(name) || a.aliasOf(name, scope) !== undefined || a.functions.has(name)) return undefined;
      return source(Level.Unknown, name, node);
    }
    case 'this':
    case 'string':
    case 'number':
    case 'true':
    case 'false':
    case 'null':
    case 'undefined':
    case 'regex':
    case 'unary_expression':
    case 'update_expression':
    case 'class':
    case 'arrow_function':
    case 'function_expression':
    case 'function':
      return undefined;
    case 'template_string': {
      let value: Value;
      let literal = '';
      for (const c of node.children) {
        if (c.type === 'template_substitution') {
          const inner = c.children.find((x) => x.named);
          if (inner) value = join(value, a.taintOf(inner, scope));
        } else if (c.type === 'string_fragment') literal += a.text(c);
      }
      return withProps(value, { stringish: true, literal: `${value?.literal ?? ''}${literal}`.slice(0, 400) });
    }
    case 'binary_expression': {
      const op = childByField(node, 'operator');
      const opText = op ? a.text(op) : '';
      const left = childByField(node, 'left');
      const right = childByField(node, 'right');
      if (!left || !right) return undefined;
      if (opText === '+') {
        const l = a.taintOf(left, scope);
        const r = a.taintOf(right, scope);
        const value = join(l, r);
        if (!value) return undefined;
        const lit = (n: SyntaxNode): string => (n.type === 'string' ? a.text(n).slice(1, -1) : n.type === 'template_string' ? a.text(n) : '');
        const literal = `${l?.literal ?? lit(left)}${r?.literal ?? lit(right)}`;
        return withProps(value, { stringish: true, literal: literal.slice(0, 400) });
      }
      if (opText === '||' || opText === '??') return join(a.taintOf(left, scope), a.taintOf(right, scope));
      if (opText === '&&') return a.taintOf(right, scope);
      return undefined;
    }
    case 'member_expression': {
      const segs = a.segments(node);
      if (segs) {
        const key = segs.join('.');
        if (scope.has(key)) return scope.get(key);
        if (key.startsWith('a.') && a.thisProps.has(key)) return a.thisProps.get(key);
        for (let i = 2; i <= segs.length; i++) {
          const src = memberSource(segs.slice(0, i), a.archiveContext);
          if (src) {
            const prefix = segs.slice(0, i).join('.');
            if (scope.has(prefix)) return scope.get(prefix);
            return source(src.level, segs.join('.').slice(0, 60), node);
          }
        }
      }
      const prop = childByField(node, 'property');
      const propName = prop ? a.text(prop) : '';
      if (propName === 'length') return undefined;
      const obj = childByField(node, 'object');
      if (!obj) return undefined;
      if (obj.type === 'identifier' && a.aliasOf(a.text(obj), scope) !== undefined) return undefined;
      const base = a.taintOf(obj, scope);
      // In code that handles archives, the path or name of an entry handed in from outside is an entry name.
      if (a.archiveContext && base && base.level === Level.Param && ARCHIVE_PATH_PROPS.has(propName)) {
        return source(Level.Archive, a.text(node).slice(0, 40), node);
      }
      return base;
    }
    case 'subscript_expression': {
      const index = childByField(node, 'index');
      if (index && index.type !== 'string' && index.type !== 'number') a.taintOf(index, scope);
      const key = a.pathKey(node);
      if (key && scope.has(key)) return scope.get(key);
      const obj = childByField(node, 'object');
      return obj ? a.taintOf(obj, scope) : undefined;
    }
    case 'call_expression':
    case 'new_expression':
      return callTaint(a, node, scope);
    case 'ternary_expression': {
      const yes = childByField(node, 'consequence');
      const no = childByField(node, 'alternative');
      return join(yes ? a.taintOf(yes, scope) : undefined, no ? a.taintOf(no, scope) : undefined);
    }
    case 'assignment_expression': {
      const r = childByField(node, 'right');
      return r ? a.taintOf(r, scope) : undefined;
    }
    case 'sequence_expression': {
      const last = node.children.filter((c) => c.named).pop();
      return last ? a.taintOf(last, scope) : undefined;
    }
    case 'array':
      return joinAll(node.children.filter((c) => c.named).map((c) => a.taintOf(c, scope)));
    case 'object':
      return joinAll(
        node.children.map((c) => {
          if (c.type === 'pair') {
            const v = childByField(c, 'value');
            return v ? a.taintOf(v, scope) : undefined;
          }
          if (c.type === 'shorthand_property_identifier' || c.type === 'spread_element') return a.taintOf(c, scope);
          return undefined;
        }),
      );
    default:
      if (PASS_THROUGH.has(node.type)) {
        const inner = node.children.find((c) => c.named);
        return inner ? a.taintOf(inner, scope) : undefined;
      }
      return undefined;
  }
}

/** The taint of a call's result: sources, sanitisers, local helper summaries, propagation. */
export function callTaint(a: JsAnalyzer, node: SyntaxNode, scope: Scope): Value {
  const fn = childByField(node, node.type === 'new_expression' ? 'constructor' : 'function');
  const argsNode = childByField(node, 'arguments');
  const args = argsNode ? argsNode.children.filter((c) => c.named) : [];
  if (!fn) return undefined;
  const callee = a.resolveCallee(fn, scope);
  if (callee.name === 'require') return undefined;
  if (callee.receiverName && isRequestMethodCall(callee.receiverName, callee.method)) {
    return source(Level.User, `${callee.receiverName}.${callee.method}()`, node);
  }
  const argTaints = args.map((arg) => a.taintOf(arg, scope));
  const isModule = (n: SyntaxNode | undefined): boolean => n !== undefined && n.type === 'identifier' && a.aliasOf(a.text(n), scope) !== undefined;
  const receiverTaint = callee.receiver && !isModule(callee.receiver) ? a.taintOf(callee.receiver, scope) : undefined;
  const local = fn.type === 'identifier' ? a.functions.get(a.text(fn)) : fn.type === 'member_expression' && callee.receiver?.type === 'this' ? a.functions.get(callee.method) : undefined;
  const inputs = join(receiverTaint, joinAll(argTaints));
  if (local && a.aliasOf(a.text(fn), scope) === undefined) {
    // A helper defined in this file: trust what its body does, not its name.
    const summary = a.summary(local);
    if (summary === 'unknown') return inputs;
    if (!summary) return undefined;
    if (summary.level < Level.Param) return summary;
    if (!inputs) return undefined;
    return {
      ...inputs,
      sanitized: inputs.sanitized | summary.sanitized,
      normalized: summary.normalized ?? inputs.normalized,
      stringish: summary.stringish ?? inputs.stringish,
      literal: summary.literal ?? inputs.literal,
    };
  }
  const special = callResultTaint(a, callee, args, argTaints, receiverTaint, node);
  if (special !== 'default') return special;
  if (inputs) return inputs;
  if (isModule(callee.receiver)) return undefined;
  // A method of a constant (`['a', 'b'].join(' ')`, `'x'.repeat(3)`) with constant arguments is constant.
  if (callee.receiver && !receiverTaint && isLiteral(callee.receiver)) return undefined;
  return source(Level.Unknown, `${a.text(fn).slice(0, 40)}()`, node);
}


const ARCHIVE_PATH_PROPS = new Set(['path', 'name', 'fileName', 'filename', 'entryName', 'linkname', 'linkpath']);
const LITERALS = new Set(['string', 'template_string', 'array', 'number', 'regex', 'object', 'true', 'false']);

function isLiteral(node: SyntaxNode): boolean {
  return LITERALS.has(unwrap(node).type);
}

/** Strips parentheses, await, TypeScript assertions and spreads. */
export function unwrap(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (PASS_THROUGH.has(n.type) || n.type === 'parenthesized_expression') {
    const inner = n.children.find((c) => c.named);
    if (!inner) break;
    n = inner;
  }
  return n;
}

