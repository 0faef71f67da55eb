/**
 * The Python security analysis: the same light intra-procedural taint tracking as for JavaScript
 * (parameters, Flask/Django request data, sys.argv, os.environ, input() flowing through
 * assignments, f-strings, `%` and `.format()`, concatenation and calls) into eval/exec, shell
 * commands (os.system, os.popen, subprocess with shell=True), pickle / marshal / unsafe yaml.load,
 * SQL built into execute(), files opened from request data, ReDoS in `re` patterns, and secrets.
 */
import { childByField, type LiftedTree, type SyntaxNode } from '../../parsing/lift-tree.js';
import type { FindingCollector, SinkReport } from '../finding-collector.js';
import { checkRedos, redosBudget, redosGrade } from '../regex/check-redos.js';
import { detectSecret } from '../secrets.js';
import { Clean, Level, join, joinAll, reaches, sanitize, source, step, withProps, type Taint, type Value } from '../taint.js';

/** Options for {@link analyzePython}. */
export interface PyAnalysisOptions {
  isTestFile?: boolean;
  signal?: AbortSignal;
}

const SQL_TEXT = /\b(select\b[\s\S]*\bfrom|insert\s+into|update\s+[\w."`[\]]+\s+set|delete\s+from|where\s+[\w."`[\]]+\s*(=|like|in\b|<|>)|order\s+by|values\s*\(|create\s+table|drop\s+table|alter\s+table)/i;
const REQUEST_ATTRS = new Set(['args', 'form', 'values', 'json', 'data', 'cookies', 'headers', 'files', 'GET', 'POST', 'body', 'COOKIES', 'META', 'FILES', 'query_params', 'path_params', 'query_string', 'path', 'full_path', 'url']);
const VALIDATOR = /(valid|safe|allowed|whitelist|allowlist|sanitiz|^isdigit$|^isalnum$|^isalpha$|^isnumeric$|^isdecimal$|^isidentifier$|^match$|^fullmatch$)/i;
const SAFE_LOADERS = /\b(SafeLoader|CSafeLoader|BaseLoader|CBaseLoader)\b/;

/** Runs the Python checks on a lifted tree. */
export function analyzePython(tree: LiftedTree, collector: FindingCollector, options: PyAnalysisOptions = {}): void {
  new PyAnalyzer(tree, collector, options).run();
}

type Env = Map<string, Value>;

class PyAnalyzer {
  private readonly aliases = new Map<string, string>();
  private readonly memo = new Map<SyntaxNode, Value>();
  private steps = 0;
  private readonly redos = redosBudget();

  constructor(
    private readonly tree: LiftedTree,
    private readonly collector: FindingCollector,
    private readonly options: PyAnalysisOptions,
  ) {}

  run(): void {
    this.visit(this.tree.root, [new Map()]);
  }

  private text(n: SyntaxNode): string {
    return this.tree.source.slice(n.start, n.end);
  }

  private report(r: SinkReport): void {
    this.collector.add(r);
  }

  // ------------------------------------------------------------ scopes

  private lookup(scopes: Env[], key: string): { found: boolean; value: Value } {
    for (let k = scopes.length - 1; k >= 0; k--) if (scopes[k]!.has(key)) return { found: true, value: scopes[k]!.get(key) };
    return { found: false, value: undefined };
  }

  private assign(scopes: Env[], key: string, value: Value): void {
    for (let k = scopes.length - 1; k >= 0; k--) {
      if (scopes[k]!.has(key)) {
        scopes[k]!.set(key, value);
        return;
      }
    }
    scopes[scopes.length - 1]!.set(key, value);
  }

  private key(n: SyntaxNode): string | undefined {
    if (n.type === 'identifier') return this.text(n);
    if (n.type === 'attribute') {
      const obj = childByField(n, 'object');
      const attr = childByField(n, 'attribute');
      const base = obj ? this.key(obj) : undefined;
      return base && attr ? `${base}.${this.text(attr)}` : undefined;
    }
    return undefined;
  }

  /** Qualified name of a callee with import aliases resolved (`subprocess.run`, `os.system`). */
  private qualified(n: SyntaxNode): string {
    const k = this.key(n);
    if (!k) return this.text(n).slice(0, 80);
    const [head, ...rest] = k.split('.');
    const alias = this.aliases.get(head!);
    return alias ? [alias, ...rest].join('.') : k;
  }

  // ------------------------------------------------------------ walk

  private visit(node: SyntaxNode, scopes: Env[]): void {
    if ((++this.steps & 0x3fff) === 0 && this.options.signal?.aborted) return;
    switch (node.type) {
      case 'function_definition':
      case 'lambda':
        this.visitFunction(node, scopes);
        return;
      case 'import_statement':
      case 'import_from_statement':
        this.visitImport(node);
        return;
      case 'assignment':
      case 'augmented_assignment': {
        const left = childByField(node, 'left');
        const right = childByField(node, 'right');
        if (right) this.visit(right, scopes);
        if (!left || !right) return;
        if (right.type === 'string' && !right.children.some((c) => c.type === 'interpolation')) this.checkSecret(right, this.text(left).split('.').pop());
        let value = step(this.taintOf(right, scopes), `${this.text(left).slice(0, 40)} = …`, node);
        if (node.type === 'augmented_assignment') {
          const k = this.key(left);
          value = join(k ? this.lookup(scopes, k).value : undefined, value);
        }
        this.bind(left, value, scopes);
        return;
      }
      case 'for_statement': {
        const left = childByField(node, 'left');
        const right = childByField(node, 'right');
        if (right) this.visit(right, scopes);
        if (left && right) this.bind(left, this.taintOf(right, scopes), scopes);
        for (const c of node.children) if (c.named && c !== left && c !== right) this.visit(c, scopes);
        return;
      }
      case 'if_statement':
        this.visitIf(node, scopes);
        return;
      case 'keyword_argument': {
        const name = childByField(node, 'name');
        const value = childByField(node, 'value');
        if (value?.type === 'string' && name) this.checkSecret(value, this.text(name));
        else if (value) this.visit(value, scopes);
        return;
      }
      case 'pair': {
        const key = childByField(node, 'key');
        const value = childByField(node, 'value');
        if (value?.type === 'string' && key?.type === 'string') this.checkSecret(value, this.text(key).replace(/^['"]+|['"]+$/g, ''));
        else if (value) this.visit(value, scopes);
        return;
      }
      case 'call':
        for (const c of node.children) if (c.named) this.visit(c, scopes);
        this.checkCall(node, scopes);
        return;
      default:
        for (const c of node.children) if (c.named) this.visit(c, scopes);
    }
  }

  private visitFunction(node: SyntaxNode, scopes: Env[]): void {
    const env: Env = new Map();
    const params = childByField(node, 'parameters');
    for (const p of params?.children ?? []) {
      const id = p.type === 'identifier' ? p : (childByField(p, 'name') ?? p.children.find((c) => c.type === 'identifier'));
      if (!id) continue;
      const name = this.text(id);
      if (name === 'self' || name === 'cls') continue;
      env.set(name, source(Level.Param, `parameter ${name}`, id));
    }
    const inner = [...scopes, env];
    const body = childByField(node, 'body');
    if (body) this.visit(body, inner);
  }

  private visitImport(node: SyntaxNode): void {
    const module = childByField(node, 'module_name');
    const mod = module ? this.text(module) : undefined;
    for (const c of node.children) {
      if (c.field !== 'name') continue;
      if (c.type === 'aliased_import') {
        const name = childByField(c, 'name');
        const alias = childByField(c, 'alias');
        if (name && alias) this.aliases.set(this.text(alias), mod ? `${mod}.${this.text(name)}` : this.text(name));
      } else if (mod) this.aliases.set(this.text(c), `${mod}.${this.text(c)}`);
    }
  }

  private visitIf(node: SyntaxNode, scopes: Env[]): void {
    const condition = childByField(node, 'condition');
    const consequence = childByField(node, 'consequence');
    if (condition) this.visit(condition, scopes);
    const guarded = condition ? this.guards(condition) : [];
    const sanitizeAll = (target: Env[]): void => {
      for (const k of guarded) this.assign(target, k, sanitize(this.lookup(scopes, k).value, Clean.All));
    };
    for (const c of node.children) {
      if (!c.named || c === condition) continue;
      if (guarded.length > 0) {
        const branch = [...scopes, new Map() as Env];
        for (const k of guarded) branch[branch.length - 1]!.set(k, sanitize(this.lookup(scopes, k).value, Clean.All));
        this.visit(c, branch);
      } else this.visit(c, scopes);
    }
    if (consequence && guarded.length > 0 && consequence.children.some((s) => /^(return_statement|raise_statement|continue_statement|break_statement)$/.test(s.type))) sanitizeAll(scopes);
  }

  private guards(cond: SyntaxNode): string[] {
    const out: string[] = [];
    const walk = (n: SyntaxNode): void => {
      if (n.type === 'not_operator' || n.type === 'boolean_operator' || n.type === 'parenthesized_expression') {
        for (const c of n.children) if (c.named) walk(c);
      } else if (n.type === 'comparison_operator') {
        const first = n.children.find((c) => c.named);
        const ops = n.children.filter((c) => !c.named).map((c) => this.text(c)).join(' ');
        const k = first ? this.key(first) : undefined;
        if (k && /\bin\b|==/.test(ops)) out.push(k);
      } else if (n.type === 'call') {
        const fn = childByField(n, 'function');
        const args = childByField(n, 'arguments')?.children.filter((c) => c.named && c.type !== 'keyword_argument') ?? [];
        if (!fn) return;
        const name = this.text(fn).split('.').pop() ?? '';
        if (fn.type === 'attribute' && /^is(digit|alnum|alpha|numeric|decimal|identifier)$/.test(name)) {
          const obj = childByField(fn, 'object');
          const k = obj ? this.key(obj) : undefined;
          if (k) out.push(k);
        } else if (VALIDATOR.test(name)) {
          for (const arg of args) {
            const k = this.key(arg);
            if (k) out.push(k);
          }
        }
      }
    };
    walk(cond);
    return out;
  }

  private bind(target: SyntaxNode, value: Value, scopes: Env[]): void {
    if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'list_pattern' || target.type === 'tuple' || target.type === 'list') {
      for (const c of target.children) if (c.named) this.bind(c, value, scopes);
      return;
    }
    const k = this.key(target);
    if (k) this.assign(scopes, k, value);
  }

  // ------------------------------------------------------------ taint

  private taintOf(node: SyntaxNode, scopes: Env[]): Value {
    if (this.memo.has(node)) return this.memo.get(node);
    const v = this.compute(node, scopes);
    this.memo.set(node, v);
    return v;
  }

  private compute(node: SyntaxNode, scopes: Env[]): Value {
    switch (node.type) {
      case 'identifier': {
        const name = this.text(node);
        const hit = this.lookup(scopes, name);
        if (hit.found) return hit.value;
        if (this.aliases.has(name) || /^(True|False|None|__name__|__file__)$/.test(name)) return undefined;
        return source(Level.Unknown, name, node);
      }
      case 'string': {
        let v: Value;
        let literal = '';
        for (const c of node.children) {
          if (c.type === 'interpolation') {
            const e = c.children.find((x) => x.named);
            if (e) v = join(v, this.taintOf(e, scopes));
          } else if (c.type === 'string_content') literal += this.text(c);
        }
        return v ? withProps(v, { stringish: true, literal: `${v.literal ?? ''}${literal}`.slice(0, 400) }) : undefined;
      }
      case 'concatenated_string':
        return joinAll(node.children.filter((c) => c.named).map((c) => this.taintOf(c, scopes)));
      case 'binary_operator': {
        const left = childByField(node, 'left');
        const right = childByField(node, 'right');
        const op = childByField(node, 'operator');
        const opText = op ? this.text(op) : '';
        if (!left || !right) return undefined;
        if (opText === '+' || opText === '%') {
          const l = this.taintOf(left, scopes);
          const r = this.taintOf(right, scopes);
          const v = join(l, r);
          const lit = (n: SyntaxNode): string => (n.type === 'string' ? this.text(n) : '');
          return withProps(v, { stringish: true, literal: `${l?.literal ?? lit(left)}${r?.literal ?? lit(right)}`.slice(0, 400) });
        }
        return undefined;
      }
      case 'attribute': {
        const k = this.key(node);
        if (k) {
          const hit = this.lookup(scopes, k);
          if (hit.found) return hit.value;
          const segs = k.split('.');
          if (segs[0] === 'request' && segs[1] !== undefined && REQUEST_ATTRS.has(segs[1])) return source(Level.User, k, node);
          if ((segs[0] === 'sys' && segs[1] === 'argv') || (segs[0] === 'os' && segs[1] === 'environ')) return source(Level.Param, k, node);
        }
        const obj = childByField(node, 'object');
        if (obj?.type === 'identifier' && this.aliases.has(this.text(obj))) return undefined;
        return obj ? this.taintOf(obj, scopes) : undefined;
      }
      case 'subscript': {
        const value = childByField(node, 'value');
        return value ? this.taintOf(value, scopes) : undefined;
      }
      case 'call':
        return this.callTaint(node, scopes);
      case 'conditional_expression':
      case 'list':
      case 'tuple':
      case 'set':
      case 'parenthesized_expression':
      case 'await':
      case 'list_comprehension':
      case 'generator_expression':
        return joinAll(node.children.filter((c) => c.named).map((c) => this.taintOf(c, scopes)));
      case 'dictionary':
        return joinAll(node.children.filter((c) => c.type === 'pair').map((p) => {
          const v = childByField(p, 'value');
          return v ? this.taintOf(v, scopes) : undefined;
        }));
      case 'boolean_operator':
        return joinAll(node.children.filter((c) => c.named).map((c) => this.taintOf(c, scopes)));
      default:
        return undefined;
    }
  }

  private callTaint(node: SyntaxNode, scopes: Env[]): Value {
    const fn = childByField(node, 'function');
    const argList = childByField(node, 'arguments');
    const args = argList?.children.filter((c) => c.named && c.type !== 'keyword_argument') ?? [];
    if (!fn) return undefined;
    const name = this.qualified(fn);
    const method = name.split('.').pop() ?? '';
    const argTaints = joinAll(args.map((a) => this.taintOf(a, scopes)));
    if (/^request\.(get_json|get_data)$/.test(name) || /^request\.(args|form|values|cookies|headers|files|GET|POST|COOKIES|META)\.(get|getlist)$/.test(name)) return source(Level.User, `${name}()`, node);
    if (name === 'input' || name === 'raw_input') return source(Level.User, 'input()', node);
    if (/^(int|float|bool|len|abs|round|ord|hash|id|isinstance|uuid\.\w+)$/.test(name)) return undefined;
    if (/^(shlex|pipes)\.quote$/.test(name) || /escape/i.test(method)) return sanitize(withProps(argTaints, { stringish: true }), Clean.Command | Clean.Sql | Clean.Code);
    if (/^os\.path\.basename$|secure_filename$/.test(name)) return sanitize(argTaints, Clean.Path);
    if (/^os\.path\.(join|abspath|normpath|realpath)$/.test(name)) return withProps(argTaints, { normalized: true, stringish: true });
    if (fn.type === 'attribute') {
      const obj = childByField(fn, 'object');
      const recv = obj ? this.taintOf(obj, scopes) : undefined;
      if (method === 'format') {
        const kw = argList?.children.filter((c) => c.type === 'keyword_argument').map((c) => {
          const v = childByField(c, 'value');
          return v ? this.taintOf(v, scopes) : undefined;
        }) ?? [];
        const v = join(join(recv, argTaints), joinAll(kw));
        const lit = obj?.type === 'string' ? this.text(obj) : '';
        return withProps(v, { stringish: true, literal: `${recv?.literal ?? lit}`.slice(0, 400) });
      }
      if (method === 'join' && obj?.type === 'string') return argTaints;
      if (obj?.type === 'identifier' && this.aliases.has(this.text(obj)) && !argTaints) return undefined;
      const v = join(recv, argTaints);
      if (v) return v;
    } else if (argTaints) return name === 'str' ? withProps(argTaints, { stringish: true }) : argTaints;
    return source(Level.Unknown, `${this.text(fn).slice(0, 40)}()`, node);
  }

  // ------------------------------------------------------------ sinks

  private checkCall(node: SyntaxNode, scopes: Env[]): void {
    const fn = childByField(node, 'function');
    const argList = childByField(node, 'arguments');
    if (!fn || !argList) return;
    const args = argList.children.filter((c) => c.named && c.type !== 'keyword_argument');
    const kwargs = new Map<string, SyntaxNode>();
    for (const c of argList.children) {
      if (c.type !== 'keyword_argument') continue;
      const n = childByField(c, 'name');
      const v = childByField(c, 'value');
      if (n && v) kwargs.set(this.text(n), v);
    }
    const name = this.qualified(fn);
    const method = name.split('.').pop() ?? '';
    const t = (i: number): Value => (args[i] ? this.taintOf(args[i], scopes) : undefined);
    const at = { start: node.start, end: node.end };
    const emit = (cls: SinkReport['cls'], v: Taint, message: string, extra: Partial<SinkReport> = {}): void => this.report({ cls, at, taint: v, message, sink: name, ...extra });

    if (name === 'eval' || name === 'exec' || name === 'builtins.eval' || name === 'builtins.exec') {
      const v = t(0);
      if (reaches(v, Clean.Code)) emit('code-injection', v, `${name}() runs code built from ${v.source}`);
      return;
    }
    if (/^os\.(system|popen|popen2|popen3|popen4)$|^commands\.(getoutput|getstatusoutput)$|^subprocess\.(getoutput|getstatusoutput)$/.test(name)) {
      const v = t(0);
      if (reaches(v, Clean.Command)) emit('command-injection', v, `${name}() runs a shell command built from ${v.source}`);
      return;
    }
    if (/^subprocess\.(call|run|Popen|check_call|check_output)$|^asyncio\.create_subprocess_shell$/.test(name)) {
      const shell = kwargs.get('shell');
      const viaShell = (shell !== undefined && this.text(shell) !== 'False') || name.endsWith('_shell');
      if (!viaShell) return;
      const cmd = args[0] ?? kwargs.get('args');
      const v = cmd ? this.taintOf(cmd, scopes) : undefined;
      if (reaches(v, Clean.Command)) emit('command-injection', v, `${name}(shell=True) runs a shell command built from ${v.source}`);
      return;
    }
    if (/^(pickle|cPickle|_pickle|dill|cloudpickle|marshal|shelve|jsonpickle)\.(load|loads|Unpickler|decode|open)$/.test(name)) {
      const v = t(0);
      if (v) emit('insecure-deserialization', v, `${name}() deserializes ${v.source}: unpickling runs code chosen by whoever wrote the data`);
      return;
    }
    if (/^(yaml|ruamel\.yaml)\.(load|load_all|unsafe_load|unsafe_load_all|full_load|full_load_all)$/.test(name)) {
      const loader = kwargs.get('Loader') ?? args[1];
      if (/^(load|load_all)$/.test(method) && loader && SAFE_LOADERS.test(this.text(loader))) return;
      const v = t(0);
      if (v) emit('insecure-deserialization', v, `${name}() without SafeLoader constructs arbitrary Python objects from ${v.source}`, v.level < Level.Param ? { severity: 'warning', confidence: 0.5 } : {});
      return;
    }
    if (/^(execute|executemany|executescript|raw|extra|mogrify)$/.test(method) && fn.type === 'attribute') {
      const v = t(0);
      if (reaches(v, Clean.Sql) && v.literal !== undefined && SQL_TEXT.test(v.literal)) emit('sql-injection', v, `${method}() runs SQL built by concatenation, f-string or %-format from ${v.source}; pass the values as query parameters`);
      return;
    }
    if ((name === 'open' || /^(flask\.)?send_file$|^send_from_directory$|^os\.remove$|^shutil\.(rmtree|copy|copyfile|move)$/.test(name)) && args[0]) {
      const v = name.endsWith('send_from_directory') ? t(1) : t(0);
      if (reaches(v, Clean.Path, Level.User)) emit('path-traversal', v, `${name}() opens a path from ${v.source}`);
      return;
    }
    if (/^re\.(compile|match|search|fullmatch|findall|finditer|sub|subn|split)$/.test(name) && args[0]?.type === 'string' && !args[0].children.some((c) => c.type === 'interpolation')) {
      const raw = this.text(args[0]);
      const m = /^([rRbBuU]*)(['"]{3}|['"])([\s\S]*)\2$/.exec(raw);
      if (!m) return;
      const isRaw = /r/i.test(m[1]!);
      const pattern = isRaw ? m[3]! : m[3]!.replace(/\\\\/g, '\\');
      const flagsText = argList.children.map((c) => this.text(c)).join(' ');
      const verdict = checkRedos(pattern, { ignoreCase: /re\.(I|IGNORECASE)\b/.test(flagsText), dotAll: /re\.(S|DOTALL)\b/.test(flagsText), multiline: /re\.(M|MULTILINE)\b/.test(flagsText), unicode: false }, this.redos);
      if (verdict) {
        this.report({ cls: 'redos', at: args[0], message: `Regular expression ${m[3]!.slice(0, 60)} can take ${verdict.kind} time on crafted input: ${verdict.reason}`, ...redosGrade(verdict), tags: [verdict.kind] });
      }
    }
  }

  private checkSecret(node: SyntaxNode, name: string | undefined): void {
    const content = node.children.filter((c) => c.type === 'string_content').map((c) => this.text(c)).join('');
    const match = detectSecret(content, name);
    if (!match) return;
    const test = this.options.isTestFile ?? false;
    this.report({ cls: 'hardcoded-secret', at: node, message: `Hard-coded secret: ${match.kind}${name ? ` in '${name}'` : ''}`, severity: test ? 'info' : match.confidence >= 0.9 ? 'error' : 'warning', confidence: test ? match.confidence / 2 : match.confidence });
  }
}

