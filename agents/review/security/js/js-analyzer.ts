/**
 * The JavaScript/TypeScript security analysis: one walk over the lifted tree in source order,
 * tracking taint through declarations, assignments, destructuring, template strings,
 * concatenation and calls (intra-procedural, with one-level summaries of local helper functions),
 * recognising sanitisers and guards, and handing each call and write to the sink checks.
 */
import { childByField, type LiftedTree, type SyntaxNode } from '../../parsing/lift-tree.js';
import type { FindingCollector } from '../finding-collector.js';
import { Level, join, joinAll, sanitize, source, step, type Value } from '../taint.js';
import { checkPrototypePollution } from './js-prototype-pollution.js';
import { redosBudget } from '../regex/check-redos.js';
import { checkRegexLiteral } from './js-regex.js';
import { checkSecretString } from './js-secrets.js';
import { Scope, functionContext } from './js-scope.js';
import { callbackParamTaints, checkCall, type ParamTaints } from './js-sinks.js';
import { memberSource } from './js-sources.js';
import { guardedKeys, exits } from './js-guards.js';
import { FUNCTION_TYPES, PASS_THROUGH, computeTaint, unwrap } from './js-expressions.js';

/** The resolved callee of a call: `child_process.exec`, `fs.readFile`, `eval`, `?.query`. */
export interface Callee {
  /** Qualified name with module aliases resolved; unknown receivers appear as their text. */
  name: string;
  /** Last segment (method or function name). */
  method: string;
  /** The receiver expression of a method call. */
  receiver: SyntaxNode | undefined;
  /** The qualified name of the receiver (`child_process`, `res`). */
  receiverName: string | undefined;
}

/** Options for {@link analyzeJavaScript}. */
export interface JsAnalysisOptions {
  /** Test and fixture files: secrets there are reported at `info`. */
  isTestFile?: boolean;
  signal?: AbortSignal;
}

/** Runs every JavaScript check on a lifted tree, reporting into `collector`. */
export function analyzeJavaScript(tree: LiftedTree, collector: FindingCollector, options: JsAnalysisOptions = {}): void {
  new JsAnalyzer(tree, collector, options).run();
}

/** The analysis of one file. Public members are the context the sink checks use. */
export class JsAnalyzer {
  /** Local names bound to modules or module members: `cp` → `child_process`, `exec` → `child_process.exec`. */
  readonly aliases = new Map<string, string>();
  /** The scope each alias was declared in (undefined for imports), to tell shadowing locals apart. */
  private readonly aliasScopes = new Map<string, Scope | undefined>();
  /** Functions declared in the file by name (for summaries and recursion). */
  readonly functions = new Map<string, SyntaxNode>();
  /** `this.x` values, file-wide (constructors usually come first). */
  readonly thisProps = new Map<string, Value>();
  readonly archiveContext: boolean;
  /** redos-detector confirmations left for this file. */
  readonly redosBudget = redosBudget();
  readonly mentionsChildProcess: boolean;
  private memo = new Map<SyntaxNode, Value>();
  private muted = 0;
  private readonly summaries = new Map<SyntaxNode, Value | 'pending'>();
  private visited = 0;
  /** Depth of if-branches being walked: assignments there are weak updates. */
  private conditional = 0;

  constructor(
    readonly tree: LiftedTree,
    private readonly collector: FindingCollector,
    readonly options: JsAnalysisOptions,
  ) {
    const src = tree.source;
    this.mentionsChildProcess = src.includes('child_process') || src.includes('shelljs') || src.includes('execa');
    this.archiveContext = /(?:require\(|from\s*)['"](adm-zip|yauzl|tar|tar-stream|tar-fs|unzipper|unzip|unzip-stream|decompress[\w-]*|jszip|node-stream-zip|extract-zip|zip-lib|archiver)['"]/.test(src);
  }

  /** The module an identifier denotes at this point, unless a local variable shadows the alias. */
  aliasOf(name: string, scope: Scope | undefined): string | undefined {
    const alias = this.aliases.get(name);
    if (alias === undefined || !scope) return alias;
    const owner = scope.owner(name);
    return owner === undefined || owner === this.aliasScopes.get(name) ? alias : undefined;
  }

  private setAlias(name: string, module: string, scope: Scope | undefined): void {
    this.aliases.set(name, module);
    this.aliasScopes.set(name, scope);
  }

  /** Runs the analysis. */
  run(): void {
    this.collectFunctions(this.tree.root);
    const top = functionContext(this.tree.root, '<module>', undefined);
    this.visit(this.tree.root, new Scope(undefined, top));
  }

  /** The source text of a node. */
  text(node: SyntaxNode): string {
    return this.tree.source.slice(node.start, node.end);
  }

  /** Reports a finding unless the analysis is computing a summary. */
  report(r: Parameters<FindingCollector['add']>[0]): void {
    if (this.muted === 0) this.collector.add(r);
  }

  // ---------------------------------------------------------------- statements

  /** Visits a node and its children in source order, updating the scope and checking sinks. */
  visit(node: SyntaxNode, scope: Scope): void {
    if ((++this.visited & 0x3fff) === 0 && this.options.signal?.aborted) return;
    switch (node.type) {
      case 'function_declaration':
      case 'generator_function_declaration':
      case 'function_expression':
      case 'function':
      case 'generator_function':
      case 'arrow_function':
      case 'method_definition':
        this.analyzeFunction(node, scope);
        return;
      case 'variable_declarator':
        this.visitDeclarator(node, scope);
        return;
      case 'assignment_expression':
        this.visitAssignment(node, scope);
        return;
      case 'augmented_assignment_expression': {
        const left = childByField(node, 'left');
        const right = childByField(node, 'right');
        if (right) this.visit(right, scope);
        if (left && right) {
          const key = this.pathKey(left);
          if (key) scope.assign(key, join(this.taintOf(left, scope), this.taintOf(right, scope)));
        }
        return;
      }
      case 'call_expression':
      case 'new_expression':
        this.visitCall(node, scope);
        return;
      case 'if_statement':
        this.visitIf(node, scope);
        return;
      case 'for_in_statement':
        this.visitForIn(node, scope);
        return;
      case 'return_statement': {
        const value = node.children.find((c) => c.named);
        if (value) {
          this.visit(value, scope);
          scope.fn.returns = join(scope.fn.returns, this.taintOf(value, scope));
        }
        scope.fn.returned = true;
        return;
      }
      case 'import_statement':
        this.visitImport(node);
        return;
      case 'string':
        checkSecretString(this, node, undefined);
        return;
      case 'template_string':
        for (const c of node.children) if (c.type === 'template_substitution') this.visit(c, scope);
        return;
      case 'regex':
        checkRegexLiteral(this, node);
        return;
      case 'pair': {
        const value = childByField(node, 'value');
        const key = childByField(node, 'key');
        if (value?.type === 'string' && key) checkSecretString(this, value, this.text(key));
        else if (value) this.visit(value, scope);
        if (key?.type === 'computed_property_name') this.visit(key, scope);
        return;
      }
      default:
        for (const child of node.children) if (child.named) this.visit(child, scope);
    }
  }

  private visitDeclarator(node: SyntaxNode, scope: Scope): void {
    const name = childByField(node, 'name');
    const value = childByField(node, 'value');
    if (!name) return;
    if (value) {
      if (value.type === 'string' && name.type === 'identifier') checkSecretString(this, value, this.text(name));
      else this.visit(value, scope);
      this.recordAlias(name, value, scope, true);
      if (name.type === 'identifier' && /^Object\.create\(\s*null\s*\)$/.test(this.text(value))) scope.fn.owner.nullProto.add(this.text(name));
    }
    const taint = value ? this.taintOf(value, scope) : undefined;
    this.bind(name, value ? step(taint, `${this.text(name)} = …`, node) : undefined, scope, true, value);
  }

  private visitAssignment(node: SyntaxNode, scope: Scope): void {
    const left = childByField(node, 'left');
    const right = childByField(node, 'right');
    if (!left || !right) return;
    if (right.type === 'string') {
      const target = left.type === 'member_expression' ? childByField(left, 'property') : left;
      checkSecretString(this, right, target ? this.text(target) : undefined);
    } else {
      this.visit(right, scope);
    }
    if (left.type === 'member_expression' || left.type === 'subscript_expression') {
      for (const c of left.children) if (c.named && c.field !== 'property') this.visit(c, scope);
    }
    this.recordAlias(left, right, scope, false);
    const value = step(this.taintOf(right, scope), `${this.text(left).slice(0, 40)} = …`, node);
    if (left.type === 'subscript_expression') checkPrototypePollution(this, node, left, scope);
    this.bind(left, value, scope, false, right);
  }

  private visitIf(node: SyntaxNode, scope: Scope): void {
    const condition = childByField(node, 'condition');
    const consequence = childByField(node, 'consequence');
    const alternative = childByField(node, 'alternative');
    if (condition) this.visit(condition, scope);
    const guards = condition ? guardedKeys(this, condition, scope) : [];
    const inBranch = (branchNode: SyntaxNode, outcome: 'true' | 'false'): void => {
      const apply = guards.filter((g) => g.when === outcome || g.when === 'both');
      if (apply.length === 0) return this.visit(branchNode, scope);
      const branch = scope.branch();
      for (const g of apply) branch.declare(g.key, sanitize(this.keyValue(g.key, scope), g.bits));
      this.visit(branchNode, branch);
    };
    this.conditional++;
    try {
      if (consequence) inBranch(consequence, 'true');
      if (alternative) inBranch(alternative, 'false');
    } finally {
      this.conditional--;
    }
    if (consequence && exits(consequence, this.tree.source)) {
      for (const g of guards) if (g.when !== 'true') scope.assign(g.key, sanitize(this.keyValue(g.key, scope), g.bits));
    }
  }

  private visitForIn(node: SyntaxNode, scope: Scope): void {
    const left = childByField(node, 'left');
    const right = childByField(node, 'right');
    const body = childByField(node, 'body');
    if (right) this.visit(right, scope);
    if (left && right) this.bind(left, step(this.taintOf(right, scope), `${this.text(left)} iterates ${this.text(right).slice(0, 40)}`, left), scope, true, undefined);
    if (body) this.visit(body, scope);
  }

  private visitCall(node: SyntaxNode, scope: Scope): void {
    const fn = childByField(node, node.type === 'new_expression' ? 'constructor' : 'function');
    const args = childByField(node, 'arguments');
    if (fn) this.visit(fn, scope);
    const callee = fn ? this.resolveCallee(fn, scope) : undefined;
    if (args) {
      const list = args.children.filter((c) => c.named);
      const paramTaints = callee ? callbackParamTaints(this, callee, list, scope) : undefined;
      list.forEach((arg, i) => {
        if (FUNCTION_TYPES.has(arg.type)) this.analyzeFunction(arg, scope, paramTaints?.(i));
        else this.visit(arg, scope);
      });
    }
    if (callee) {
      const list = args ? args.children.filter((c) => c.named) : [];
      if (callee.receiver && /^(push|unshift|add|set|append|concat|splice)$/.test(callee.method)) {
        const key = this.pathKey(callee.receiver);
        const added = joinAll(list.map((x) => this.taintOf(x, scope)));
        if (key && added) scope.assign(key, join(this.keyValue(key, scope), added));
      }
      checkCall(this, node, callee, list, scope);
    }
  }

  private visitImport(node: SyntaxNode): void {
    const src = childByField(node, 'source');
    if (!src) return;
    const mod = normaliseModule(this.text(src).slice(1, -1));
    const clause = node.children.find((c) => c.type === 'import_clause');
    if (!clause) return;
    for (const c of clause.children) {
      if (c.type === 'identifier') this.setAlias(this.text(c), mod, undefined);
      else if (c.type === 'namespace_import') {
        const id = c.children.find((x) => x.type === 'identifier');
        if (id) this.setAlias(this.text(id), mod, undefined);
      } else if (c.type === 'named_imports') {
        for (const spec of c.children) {
          if (spec.type !== 'import_specifier') continue;
          const name = childByField(spec, 'name');
          const alias = childByField(spec, 'alias') ?? name;
          if (name && alias) this.setAlias(this.text(alias), `${mod}.${this.text(name)}`, undefined);
        }
      }
    }
  }

  // ---------------------------------------------------------------- functions

  /** Analyses a function body in a new scope. Returns the join of its returned values. */
  analyzeFunction(node: SyntaxNode, scope: Scope, paramTaints?: ParamTaints): Value {
    const ctx = functionContext(node, this.functionName(node), scope.fn);
    const inner = new Scope(scope, ctx);
    const params = childByField(node, 'parameters') ?? childByField(node, 'parameter');
    if (params) {
      const list = params.type === 'identifier' ? [params] : params.children.filter((c) => c.named);
      list.forEach((p, i) => {
        const pattern = p.type === 'required_parameter' || p.type === 'optional_parameter' ? (childByField(p, 'pattern') ?? p) : p;
        const given = paramTaints?.(i);
        const taint = given ? given.value : source(Level.Param, `parameter ${this.text(pattern).slice(0, 40)}`, pattern);
        this.bind(pattern, taint, inner, true, undefined);
      });
    }
    const body = childByField(node, 'body');
    if (body) {
      if (body.type === 'statement_block' || body.type === 'class_body') this.visit(body, inner);
      else {
        this.visit(body, inner);
        ctx.returns = join(ctx.returns, this.taintOf(body, inner));
        ctx.returned = true;
      }
    }
    return ctx.returns;
  }

  /** The value a local function returns when called with outside data, computed once (muted). */
  summary(fnNode: SyntaxNode): Value | 'unknown' {
    const cached = this.summaries.get(fnNode);
    if (cached === 'pending') return 'unknown';
    if (cached !== undefined || this.summaries.has(fnNode)) return cached;
    this.summaries.set(fnNode, 'pending');
    const savedMemo = this.memo;
    this.memo = new Map();
    this.muted++;
    let result: Value;
    try {
      const ctx = functionContext(undefined, '<summary>', undefined);
      result = this.analyzeFunction(fnNode, new Scope(undefined, ctx));
    } finally {
      this.muted--;
      this.memo = savedMemo;
    }
    this.summaries.set(fnNode, result);
    return result;
  }

  /** The name a function is known by: its own, or the variable / property it is assigned to. */
  functionName(node: SyntaxNode): string | undefined {
    return this.functionNames(node)[0];
  }

  /** Every name a function is known by (`var a = module.exports = function b() {}` → b, a, exports). */
  functionNames(node: SyntaxNode): string[] {
    const names: string[] = [];
    const own = childByField(node, 'name');
    if (own) names.push(this.text(own));
    let parent = node.parent;
    while (parent) {
      if (parent.type === 'variable_declarator') {
        const n = childByField(parent, 'name');
        if (n?.type === 'identifier') names.push(this.text(n));
        break;
      }
      if (parent.type === 'pair') {
        const k = childByField(parent, 'key');
        if (k) names.push(this.text(k).replace(/^['"]|['"]$/g, ''));
        break;
      }
      if (parent.type === 'assignment_expression') {
        const left = childByField(parent, 'left');
        if (left?.type === 'identifier') names.push(this.text(left));
        else if (left?.type === 'member_expression') {
          const prop = childByField(left, 'property');
          if (prop) names.push(this.text(prop));
        }
        parent = parent.parent;
        continue;
      }
      if (parent.type === 'parenthesized_expression') {
        parent = parent.parent;
        continue;
      }
      break;
    }
    return names;
  }

  private collectFunctions(root: SyntaxNode): void {
    const stack = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (FUNCTION_TYPES.has(node.type)) {
        for (const name of this.functionNames(node)) if (!this.functions.has(name)) this.functions.set(name, node);
      }
      for (const c of node.children) if (c.named) stack.push(c);
    }
  }

  // ---------------------------------------------------------------- binding

  /** Binds a pattern (identifier, destructuring, member target) to a value. */
  bind(pattern: SyntaxNode, value: Value, scope: Scope, declare: boolean, valueNode: SyntaxNode | undefined): void {
    // An assignment inside an if-branch may not run: keep what the variable held before as well.
    const set = (key: string, v: Value): void => {
      if (declare) scope.declare(key, v);
      else if (this.conditional > 0 && scope.has(key) && scope.owner(key)?.fn === scope.fn) scope.assign(key, join(scope.get(key), v));
      else scope.assign(key, v);
    };
    switch (pattern.type) {
      case 'identifier':
      case 'shorthand_property_identifier_pattern':
        set(this.text(pattern), value);
        return;
      case 'object_pattern':
        for (const c of pattern.children) {
          if (c.type === 'shorthand_property_identifier_pattern') {
            const key = this.text(c);
            set(key, this.propertyValue(valueNode, key, value, scope));
          } else if (c.type === 'pair_pattern') {
            const k = childByField(c, 'key');
            const v = childByField(c, 'value');
            if (k && v) this.bind(v, this.propertyValue(valueNode, this.text(k).replace(/^['"]|['"]$/g, ''), value, scope), scope, declare, undefined);
          } else if (c.type === 'object_assignment_pattern') {
            const l = childByField(c, 'left');
            const r = childByField(c, 'right');
            if (l) {
              const key = this.text(l);
              const v = join(this.propertyValue(valueNode, key, value, scope), r ? this.taintOf(r, scope) : undefined);
              this.bind(l, v, scope, declare, undefined);
            }
          } else if (c.type === 'rest_pattern') {
            const inner = c.children.find((x) => x.named);
            if (inner) this.bind(inner, value, scope, declare, undefined);
          }
        }
        return;
      case 'array_pattern':
        for (const c of pattern.children) if (c.named) this.bind(c.type === 'rest_pattern' ? (c.children.find((x) => x.named) ?? c) : c, value, scope, declare, undefined);
        return;
      case 'assignment_pattern': {
        const l = childByField(pattern, 'left');
        const r = childByField(pattern, 'right');
        if (l) this.bind(l, join(value, r ? this.taintOf(r, scope) : undefined), scope, declare, undefined);
        return;
      }
      case 'rest_pattern': {
        const inner = pattern.children.find((x) => x.named);
        if (inner) this.bind(inner, value, scope, declare, undefined);
        return;
      }
      case 'member_expression':
      case 'subscript_expression': {
        const key = this.pathKey(pattern);
        if (key?.startsWith('this.')) this.thisProps.set(key, join(this.thisProps.get(key), value));
        else if (key) scope.assign(key, value);
        return;
      }
      default:
    }
  }

  /** The value of `valueNode.key` (destructuring), recognising sources like `const { body } = req`. */
  private propertyValue(valueNode: SyntaxNode | undefined, key: string, value: Value, scope: Scope): Value {
    const segments = valueNode ? this.segments(valueNode) : undefined;
    if (segments) {
      const src = memberSource([...segments, key], this.archiveContext);
      if (src && (!value || value.level <= src.level)) return source(src.level, src.label, valueNode!);
      const known = scope.get([...segments, key].join('.'));
      if (known) return known;
    }
    return value;
  }

  /** Records `const cp = require('child_process')` and friends. */
  private recordAlias(target: SyntaxNode, value: SyntaxNode, scope: Scope, declared: boolean): void {
    const resolved = this.moduleOf(value, scope);
    if (!resolved) return;
    const owner = (name: string): Scope | undefined => (declared ? scope : scope.owner(name));
    if (target.type === 'identifier') this.setAlias(this.text(target), resolved, owner(this.text(target)));
    else if (target.type === 'object_pattern') {
      for (const c of target.children) {
        if (c.type === 'shorthand_property_identifier_pattern') this.setAlias(this.text(c), `${resolved}.${this.text(c)}`, owner(this.text(c)));
        else if (c.type === 'pair_pattern') {
          const k = childByField(c, 'key');
          const v = childByField(c, 'value');
          if (k && v?.type === 'identifier') this.setAlias(this.text(v), `${resolved}.${this.text(k)}`, owner(this.text(v)));
        }
      }
    }
  }

  /** The module path an expression denotes: `require('x')`, `require('x').y`, `promisify(cp.exec)`, an alias. */
  moduleOf(node: SyntaxNode, scope?: Scope): string | undefined {
    const n = unwrap(node);
    if (n.type === 'call_expression') {
      const fn = childByField(n, 'function');
      const args = childByField(n, 'arguments')?.children.filter((c) => c.named) ?? [];
      if (fn && this.text(fn) === 'require' && args[0]?.type === 'string') return normaliseModule(this.text(args[0]).slice(1, -1));
      if (fn && /(^|\.)promisify$/.test(this.text(fn)) && args[0]) return this.moduleOf(args[0], scope);
      return undefined;
    }
    if (n.type === 'await_expression' || n.type === 'parenthesized_expression') return undefined;
    if (n.type === 'identifier') return this.aliasOf(this.text(n), scope);
    if (n.type === 'member_expression') {
      const obj = childByField(n, 'object');
      const prop = childByField(n, 'property');
      const base = obj ? this.moduleOf(obj, scope) : undefined;
      return base && prop ? `${base}.${this.text(prop)}`.replace(/\.promises\./, '.') : undefined;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- expressions

  /** A key for a variable or member chain of identifiers (`a`, `opts.cmd`, `this.file`, `a.b`), or undefined. */
  pathKey(node: SyntaxNode): string | undefined {
    const segs = this.segments(node);
    return segs ? segs.join('.') : undefined;
  }

  /** Segments of an identifier/member chain (`ctx.request.body` → 3 segments), or undefined. */
  segments(node: SyntaxNode): string[] | undefined {
    const out: string[] = [];
    let n: SyntaxNode | undefined = node;
    while (n) {
      if (n.type === 'identifier' || n.type === 'this' || n.type === 'shorthand_property_identifier') {
        out.unshift(this.text(n));
        return out.length > 8 ? undefined : out;
      }
      if (n.type === 'member_expression') {
        const prop = childByField(n, 'property');
        if (!prop) return undefined;
        out.unshift(this.text(prop));
        n = childByField(n, 'object');
      } else if (n.type === 'subscript_expression') {
        const index = childByField(n, 'index');
        if (index?.type !== 'string') return undefined;
        out.unshift(this.text(index).slice(1, -1));
        n = childByField(n, 'object');
      } else if (PASS_THROUGH.has(n.type)) {
        n = n.children.find((c) => c.named);
      } else return undefined;
    }
    return undefined;
  }

  /** The current value of a key (identifier or member path), recomputed from the tree's meaning. */
  keyValue(key: string, scope: Scope): Value {
    if (scope.has(key)) return scope.get(key);
    if (key.startsWith('this.')) return this.thisProps.get(key);
    const segs = key.split('.');
    const src = memberSource(segs, this.archiveContext);
    if (src) return source(src.level, src.label, { start: 0, end: 0 });
    return scope.get(segs[0]!);
  }

  /** The value an expression had when the walk evaluated it, if it did (`has` tells clean from not evaluated). */
  memoOf(node: SyntaxNode): { has: boolean; value: Value } {
    return { has: this.memo.has(node), value: this.memo.get(node) };
  }

  /** The taint of an expression at this point of the walk (memoised per node). */
  taintOf(node: SyntaxNode, scope: Scope): Value {
    if (this.memo.has(node)) return this.memo.get(node);
    const value = computeTaint(this, node, scope);
    this.memo.set(node, value);
    return value;
  }

  /** Resolves a callee expression to a qualified name using the module aliases. */
  resolveCallee(fn: SyntaxNode, scope?: Scope): Callee {
    const n = unwrap(fn);
    if (n.type === 'identifier') {
      const text = this.text(n);
      const alias = this.aliasOf(text, scope);
      const name = alias ?? text;
      return { name, method: name.slice(name.lastIndexOf('.') + 1), receiver: undefined, receiverName: undefined };
    }
    if (n.type === 'member_expression') {
      const obj = childByField(n, 'object');
      const prop = childByField(n, 'property');
      const method = prop ? this.text(prop) : '';
      const base = obj ? (this.moduleOf(obj, scope) ?? this.text(unwrap(obj))) : '';
      const receiverName = base.replace(/\.promises$/, '');
      return { name: `${receiverName}.${method}`, method, receiver: obj, receiverName };
    }
    const text = this.text(n);
    return { name: text.slice(0, 80), method: '', receiver: undefined, receiverName: undefined };
  }
}

/** Canonical module names: `node:fs` → `fs`, `fs/promises` and fs wrappers → `fs`. */
export function normaliseModule(spec: string): string {
  let m = spec.replace(/^node:/, '');
  if (m === 'fs/promises' || m === 'fs-extra' || m === 'graceful-fs' || m === 'mz/fs' || m === 'fs-promise' || m === 'original-fs') m = 'fs';
  if (m === 'mz/child_process' || m === 'child-process-promise' || m === 'child_process_promise') m = 'child_process';
  if (m === 'lodash.template' || m === 'lodash/template') m = 'lodash.template';
  return m;
}

