/**
 * Sinks, sanitisers and callback parameters for JavaScript/TypeScript calls. `checkCall` is called
 * once per call or `new` expression with its resolved callee and reports the sinks that tainted
 * values reach; `callResultTaint` says what a call returns when it is a known sanitiser or
 * propagator; `callbackParamTaints` gives callbacks the taint of what they iterate.
 */
import { childByField, type SyntaxNode } from '../../parsing/lift-tree.js';
import { Clean, Level, join, joinAll, reaches, sanitize, source, withProps, type Taint, type Value } from '../taint.js';
import type { Callee, JsAnalyzer } from './js-analyzer.js';
import { isKeyGuard, isValidatorName } from './js-guards.js';
import { checkRegexPattern } from './js-regex.js';
import type { Scope } from './js-scope.js';

const NUMERIC = /^(parseInt|parseFloat|Number|Boolean|isNaN|isFinite|Number\.\w+|Math\.\w+|Date\.now|Date\.parse|Array\.isArray|Object\.is|Buffer\.byteLength|ObjectId|ObjectID|\w+\.ObjectId|\w+\.Types\.ObjectId|uuid\w*|crypto\.randomUUID|crypto\.randomBytes)$/;
const NON_STRING_METHODS = new Set(['indexOf', 'lastIndexOf', 'search', 'test', 'includes', 'startsWith', 'endsWith', 'localeCompare', 'charCodeAt', 'codePointAt', 'digest', 'getTime', 'has', 'hasOwnProperty', 'isFile', 'isDirectory', 'existsSync']);
const ITERATION = new Set(['forEach', 'map', 'filter', 'some', 'every', 'find', 'findIndex', 'findLast', 'flatMap', 'sort']);
const SHELLS = /^(\/(usr\/)?bin\/)?(sh|bash|zsh|dash|ksh|cmd|cmd\.exe|powershell|powershell\.exe|pwsh)$/;
const FS_METHODS = new Set(['readFile', 'readFileSync', 'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createReadStream', 'createWriteStream', 'unlink', 'unlinkSync', 'rm', 'rmSync', 'rmdir', 'rmdirSync', 'mkdir', 'mkdirSync', 'open', 'openSync', 'readdir', 'readdirSync', 'stat', 'statSync', 'lstat', 'lstatSync', 'access', 'accessSync', 'exists', 'existsSync', 'chmod', 'chmodSync', 'chown', 'chownSync', 'truncate', 'truncateSync', 'utimes', 'utimesSync', 'outputFile', 'outputFileSync', 'outputJson', 'outputJsonSync', 'readJson', 'readJsonSync', 'writeJson', 'writeJsonSync', 'remove', 'removeSync', 'ensureDir', 'ensureDirSync', 'mkdirp', 'mkdirpSync', 'emptyDir', 'ensureFile', 'ensureFileSync']);
const FS_TWO_PATHS = new Set(['rename', 'renameSync', 'copyFile', 'copyFileSync', 'cp', 'cpSync', 'link', 'linkSync', 'symlink', 'symlinkSync', 'copy', 'copySync', 'move', 'moveSync']);
const SQL_METHODS = new Set(['query', 'execute', 'raw', 'prepare', 'unsafe', 'queryRaw', '$queryRawUnsafe', '$executeRawUnsafe', 'whereRaw', 'orderByRaw', 'havingRaw', 'joinRaw', 'fromRaw', 'selectRaw', 'exec', 'run', 'all', 'get', 'each', 'none', 'one', 'many', 'any', 'oneOrNone', 'manyOrNone']);
const SQL_DB_ONLY = new Set(['exec', 'run', 'all', 'get', 'each', 'none', 'one', 'many', 'any', 'oneOrNone', 'manyOrNone', 'prepare']);
const SQL_TEXT = /\b(select\b[\s\S]*\bfrom|insert\s+into|update\s+[\w."`[\]]+\s+set|delete\s+from|where\s+[\w."`[\]]+\s*(=|like|in\b|<|>)|order\s+by|group\s+by|values\s*\(|create\s+(table|index|database)|drop\s+(table|database)|alter\s+table|truncate\s+table)/i;
const NOSQL_METHODS = new Set(['find', 'findOne', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndRemove', 'findOneAndReplace', 'updateOne', 'updateMany', 'update', 'deleteOne', 'deleteMany', 'remove', 'count', 'countDocuments', 'where', 'exists', 'replaceOne']);
const TEMPLATE_ENGINES = /^(ejs|pug|jade|handlebars|Handlebars|hbs|nunjucks|dot|doT|lodash|_|underscore|hogan|swig|twig|eta|squirrelly|art-template|lodash\.template)$/;

/** A callback's parameter taints: `{ value }` to use (even clean), undefined for the default (a parameter). */
export type ParamTaints = (paramIndex: number) => { value: Value } | undefined;

/** Taints for the parameters of function arguments of a call, by argument index. */
export function callbackParamTaints(a: JsAnalyzer, callee: Callee, args: readonly SyntaxNode[], scope: Scope): ((argIndex: number) => ParamTaints | undefined) | undefined {
  const receiver = callee.receiver;
  if (!receiver) return undefined;
  if (ITERATION.has(callee.method) || callee.method === 'reduce') {
    const elem = a.taintOf(receiver, scope);
    const index = callee.method === 'reduce' ? 1 : 0;
    return () => (p) => {
      if (p === index) return { value: elem };
      if (p === index + 1) return { value: undefined }; // the element's index
      if (p === 0 && callee.method === 'reduce') return { value: args[1] ? a.taintOf(args[1], scope) : undefined };
      return undefined;
    };
  }
  if (callee.method === 'on' || callee.method === 'once' || callee.method === 'addListener') {
    const event = args[0]?.type === 'string' ? a.text(args[0]).slice(1, -1) : '';
    const receiverTaint = a.taintOf(receiver, scope);
    if (event === 'entry' && a.archiveContext) return () => (p) => (p === 0 ? { value: source(Level.Archive, 'archive entry', args[0]!) } : undefined);
    if (receiverTaint && receiverTaint.level >= Level.User) return () => (p) => (p === 0 ? { value: receiverTaint } : undefined);
  }
  return undefined;
}

/** The result of a call to a known sanitiser or propagator, or `'default'`. */
export function callResultTaint(a: JsAnalyzer, callee: Callee, args: readonly SyntaxNode[], argTaints: readonly Value[], receiverTaint: Value, node: SyntaxNode): Value | 'default' {
  const name = callee.name;
  const method = callee.method;
  const all = joinAll(argTaints);
  if (NUMERIC.test(name) || NUMERIC.test(method) || NON_STRING_METHODS.has(method) || method === 'digest') return undefined;
  if (name === 'String') return sanitize(withProps(all, { stringish: true }), Clean.NoSql);
  if (name === 'JSON.stringify') return sanitize(withProps(all, { stringish: true }), Clean.NoSql | Clean.Code);
  if (name === 'encodeURIComponent' || name === 'encodeURI' || name === 'querystring.escape') return sanitize(withProps(all, { stringish: true }), Clean.Path | Clean.Command | Clean.NoSql);
  if (/^path(\.(posix|win32))?\.basename$/.test(name)) return sanitize(withProps(all, { stringish: true }), Clean.Path);
  if (/^path(\.(posix|win32))?\.(extname|dirname)$/.test(name)) return withProps(all, { stringish: true });
  if (/^path(\.(posix|win32))?\.(join|resolve|normalize)$/.test(name) || /^fs\.realpath(Sync|\.native)?$/.test(name)) {
    return withProps(all, { normalized: true, stringish: true });
  }
  if (name === 'shell-quote.quote' || name === 'shell-escape' || name === 'any-shell-escape' || /^(shell)?(escape|quote)(Shell)?(Arg(ument)?s?|Cmd|Command)?$/i.test(method) && /shell|arg|quote/i.test(name)) {
    return sanitize(withProps(all, { stringish: true }), Clean.Command | Clean.Sql | Clean.Code);
  }
  if (/sanitiz/i.test(method) || /^(mongo-sanitize|sanitize-filename|express-mongo-sanitize)/.test(name)) return sanitize(all, Clean.All);
  if (/escape/i.test(method) && !/^unescape$/i.test(method)) {
    if (/reg(ex|exp)?|re$/i.test(method) || /escape-string-regexp|lodash\.escapeRegExp/.test(name)) return sanitize(withProps(all, { stringish: true }), Clean.Regex);
    if (/html|xml|css|attr/i.test(method)) return 'default';
    return sanitize(withProps(all, { stringish: true }), Clean.Sql | Clean.Command | Clean.Code | Clean.NoSql | Clean.Regex);
  }
  if (method === 'replace' || method === 'replaceAll') {
    const [pattern, replacement] = args;
    const repl = replacement ? a.text(replacement) : '';
    if (pattern?.type === 'regex' && /\\\\?\$[&1]/.test(repl)) {
      // x.replace(/[chars]/g, '\\$&'): escaping; what it makes safe depends on the characters escaped
      const chars = a.text(pattern);
      let bits = 0;
      if (['"', '$', '`'].every((c) => chars.includes(c))) bits |= Clean.Command | Clean.Code;
      if (chars.includes("'")) bits |= Clean.Sql;
      if (['.', '*', '+', '?', '(', '['].every((c) => chars.includes(c))) bits |= Clean.Regex;
      return bits ? sanitize(withProps(receiverTaint, { stringish: true }), bits) : withProps(receiverTaint, { stringish: true });
    }
    if (pattern?.type === 'regex' && /^['"`]{2}$/.test(repl)) {
      const body = a.text(pattern);
      const m = /^\/\[\^([^\]]*)\]\+?\/[gimsuy]*$/.exec(body);
      if (m && /g/.test(body.slice(body.lastIndexOf('/')))) {
        const allowed = m[1]!;
        let bits: number = Clean.Command | Clean.Sql | Clean.Code | Clean.NoSql | Clean.Regex | Clean.Proto;
        if (/[./\\]/.test(allowed.replace(/\\[wds]/g, ''))) bits &= ~Clean.Command;
        if (!(allowed.includes('.') && allowed.includes('/'))) bits |= Clean.Path;
        return sanitize(receiverTaint, bits);
      }
    }
    return withProps(join(receiverTaint, argTaints[1]), { stringish: true });
  }
  const mapper = method === 'map' && args[0]?.type === 'identifier' ? a.functions.get(a.text(args[0])) : undefined;
  if (mapper) {
    const summary = a.summary(mapper);
    if (summary !== 'unknown' && summary !== undefined && summary.level >= Level.Param) return sanitize(withProps(receiverTaint, { stringish: summary.stringish ?? false }), summary.sanitized);
  }
  if (method === 'map' && args[0]?.type === 'identifier' && !mapper && /escape|quote|sanitiz/i.test(a.text(args[0]))) {
    return sanitize(withProps(receiverTaint, { stringish: true }), Clean.Sql | Clean.Command | Clean.Code | Clean.NoSql);
  }
  if (method === 'filter' && args[0]) {
    const f = args[0];
    if ((f.type === 'identifier' && isValidatorName(a.text(f))) || isKeyGuard(a, f)) return sanitize(receiverTaint, Clean.All);
  }
  if (name === 'Object.keys' || name === 'Object.values' || name === 'Object.entries' || name === 'Object.getOwnPropertyNames' || name === 'Reflect.ownKeys') return all;
  void node;
  return 'default';
}

/** Reports the sinks a call reaches. */
export function checkCall(a: JsAnalyzer, node: SyntaxNode, callee: Callee, args: readonly SyntaxNode[], scope: Scope): void {
  const t = (i: number): Value => (args[i] ? a.taintOf(args[i], scope) : undefined);
  const name = callee.name;
  const method = callee.method;
  const recv = callee.receiverName ?? '';
  const at = { start: node.start, end: node.end };
  const sinkReport = (cls: Parameters<JsAnalyzer['report']>[0]['cls'], taint: Taint, message: string, sink: string, extra: Partial<Parameters<JsAnalyzer['report']>[0]> = {}): void =>
    a.report({ cls, at, taint, message, sink, ...extra });

  // ---- code injection
  if (/^((window|global|globalThis|self)\.)?eval$/.test(name)) {
    const v = t(0);
    if (reaches(v, Clean.Code)) {
      const arg = args[0] ? a.text(args[0]) : '';
      if (/^['"`]\(['"`]\s*\+[\s\S]*\+\s*['"`]\)['"`]$/.test(arg)) {
        sinkReport('insecure-deserialization', v, `eval() parses data built from ${v.source}: an eval-based JSON parse runs any code in the input`, 'eval');
      } else sinkReport('code-injection', v, `eval() runs code built from ${v.source}`, 'eval');
    }
    return;
  }
  if (name === 'Function' || name === 'window.Function' || name === 'global.Function') {
    // Parameter names (all but the last argument) from outside data are injection in any code; a
    // body from a library's own parameter is usually a template or expression compiler by design.
    const params = joinAll(args.slice(0, -1).map((_, i) => t(i)));
    const body = args.length > 0 ? t(args.length - 1) : undefined;
    if (reaches(params, Clean.Code)) sinkReport('code-injection', params, `new Function() takes parameter names built from ${params.source}: they are compiled as code`, 'Function');
    else if (reaches(body, Clean.Code)) {
      // With parameter names it is usually a compiler by design; a bare body is an eval.
      const compiler = args.length > 1 && body.level < Level.User;
      sinkReport('code-injection', body, `new Function() compiles code built from ${body.source}`, 'Function', compiler ? { severity: 'info', confidence: 0.3 } : {});
    }
    return;
  }
  if (/^vm\.(runInNewContext|runInThisContext|runInContext|compileFunction|Script|SourceTextModule)$/.test(name) || (recv === 'vm' && /^run/.test(method))) {
    const v = t(0);
    if (reaches(v, Clean.Code)) sinkReport('code-injection', v, `${name}() runs code built from ${v.source}`, name);
    return;
  }
  if (/^((window|global|globalThis)\.)?(setTimeout|setInterval|setImmediate|execScript)$/.test(name) && args[0]) {
    const v = t(0);
    const kind = args[0].type;
    if (reaches(v, Clean.Code) && (kind === 'template_string' || kind === 'binary_expression' || kind === 'string' || (v.stringish ?? false))) {
      sinkReport('code-injection', v, `${method}() with a string argument evaluates it as code (built from ${v.source})`, method);
    }
    return;
  }
  if ((method === 'template' && (name === 'lodash.template' || TEMPLATE_ENGINES.test(recv))) || name === 'lodash.template' || (/^(compile|render|renderString|renderFile|compileFile|precompile)$/.test(method) && TEMPLATE_ENGINES.test(recv) && recv !== '_' && recv !== 'lodash')) {
    const tpl = t(0);
    if (reaches(tpl, Clean.Code, Level.User)) sinkReport('code-injection', tpl, `${name}() compiles a template from ${tpl.source} (server-side template injection)`, name);
    const opts = method === 'render' || method === 'renderFile' ? t(2) ?? t(1) : t(1);
    if (reaches(opts, Clean.Code, Level.User) && !opts.stringish) sinkReport('code-injection', opts, `${name}() receives template options from ${opts.source}: options such as outputFunctionName or variable are compiled into code`, name);
    return;
  }
  if (method === 'render' && /^(res|response|reply|ctx)$/.test(recv) && args[1]) {
    const key = a.pathKey(args[1]) ?? '';
    const v = t(1);
    if (reaches(v, Clean.Code, Level.User) && /^(req|request|ctx\.request|ctx)\.(query|body)$/.test(key)) {
      sinkReport('code-injection', v, `${recv}.render() receives ${key} as its data: view engines such as ejs read settings from it (e.g. outputFunctionName) and compile them into code`, `${recv}.render`, { confidence: 0.6 });
    }
    return;
  }

  // ---- command injection
  const isCp = recv === 'child_process' || /^(childProcess|child_process|cp|childproc)$/i.test(recv) || name.startsWith('child_process.');
  const bare = !callee.receiver && !name.includes('.');
  if ((isCp && (method === 'exec' || method === 'execSync')) || (bare && (name === 'exec' || name === 'execSync') && a.mentionsChildProcess)) {
    const v = t(0);
    if (reaches(v, Clean.Command)) sinkReport('command-injection', v, `${method}() runs a shell command built from ${v.source}`, `child_process.${method}`);
    return;
  }
  if ((isCp && /^(spawn|spawnSync|execFile|execFileSync)$/.test(method)) || (bare && /^(spawn|spawnSync|execFile|execFileSync)$/.test(name) && a.mentionsChildProcess) || name === 'execa' || name === 'execa.execa' || name === 'cross-spawn' || name === 'cross-spawn.sync') {
    const options = args.slice(1).find((x) => x.type === 'object');
    const shellOpt = options?.children.find((p) => p.type === 'pair' && /^['"]?shell['"]?$/.test(a.text(childByField(p, 'key') ?? p)));
    const shellValue = shellOpt ? childByField(shellOpt, 'value') : undefined;
    const shell = shellValue !== undefined && shellValue.type !== 'false';
    const cmd = args[0];
    const cmdText = cmd?.type === 'string' ? a.text(cmd).slice(1, -1) : '';
    const argv = args[1]?.type === 'array' ? args[1] : undefined;
    const viaShell = SHELLS.test(cmdText) && argv !== undefined && argv.children.some((c) => c.type === 'string' && /^['"](-c|\/c|\/C|-Command)['"]$/.test(a.text(c)));
    if (shell || viaShell) {
      const v = shell ? join(t(0), args[1] && args[1].type !== 'object' ? t(1) : undefined) : t(1);
      if (reaches(v, Clean.Command)) sinkReport('command-injection', v, `${method || name}() runs a shell (${shell ? 'shell: true' : cmdText + ' -c'}) with a command built from ${v.source}`, `child_process.${method}`);
    } else {
      const v = t(0);
      if (reaches(v, Clean.Command, Level.User)) sinkReport('command-injection', v, `${method || name}() runs a program named by ${v.source}`, `child_process.${method}`);
    }
    return;
  }
  if ((recv === 'shelljs' || ((recv === 'shell' || recv === 'sh') && a.mentionsChildProcess)) && method === 'exec') {
    const v = t(0);
    if (reaches(v, Clean.Command)) sinkReport('command-injection', v, `shelljs exec() runs a shell command built from ${v.source}`, 'shelljs.exec');
    return;
  }

  // ---- path traversal
  const isFs = recv === 'fs' || /^(fs|fse|fsp|fsExtra|fsPromises|fsAsync)$/i.test(recv);
  if (isFs && (FS_METHODS.has(method) || FS_TWO_PATHS.has(method))) {
    const v = FS_TWO_PATHS.has(method) ? join(t(0), t(1)) : t(0);
    if (reaches(v, Clean.Path, Level.Archive) && !(v.level === Level.Archive && hasContainmentCheck(a, scope))) {
      const what = v.level === Level.Archive ? `an archive entry name (${v.source}) without checking it stays inside the target folder (zip slip)` : `a path from ${v.source}`;
      sinkReport('path-traversal', v, `fs.${method}() uses ${what}`, `fs.${method}`);
    }
    return;
  }
  if ((method === 'sendFile' || method === 'download' || method === 'sendfile') && /^(res|response|reply|ctx)$/.test(recv)) {
    const opts = args.slice(1).find((x) => x.type === 'object');
    const hasRoot = opts?.children.some((p) => (p.type === 'pair' && /^['"]?root['"]?$/.test(a.text(childByField(p, 'key') ?? p))) || (p.type === 'shorthand_property_identifier' && a.text(p) === 'root')) ?? false;
    const v = t(0);
    if (!hasRoot && reaches(v, Clean.Path, Level.User)) sinkReport('path-traversal', v, `${recv}.${method}() sends a file named by ${v.source}`, `${recv}.${method}`);
    return;
  }

  // ---- zip slip through extraction helpers (makeDir, writeFileTo, fstream Writer, …)
  if (EXTRACT_WRITERS.test(method || name)) {
    let v: Value;
    for (let i = 0; i < Math.min(args.length, 2) && !v; i++) {
      const arg = args[i]!;
      if (arg.type === 'object') {
        for (const pair of arg.children) {
          const k = pair.type === 'pair' ? childByField(pair, 'key') : undefined;
          const val = pair.type === 'pair' ? childByField(pair, 'value') : undefined;
          if (k && val && /^['"]?(path|filename|file|dest|destination|target)['"]?$/.test(a.text(k))) v = join(v, a.taintOf(val, scope));
        }
      } else if (i === 0) v = t(0);
    }
    if (reaches(v, Clean.Path, Level.Archive) && v.level === Level.Archive && !hasContainmentCheck(a, scope)) {
      sinkReport('path-traversal', v, `${method || name}() writes to a path built from an archive entry name (${v.source}) without checking it stays inside the target folder (zip slip)`, method || name);
    }
    return;
  }

  // ---- insecure deserialization
  if (name === 'node-serialize.unserialize' || (method === 'unserialize' && /serial/i.test(recv)) || name === 'funcster.deepDeserialize' || name === 'cryo.parse') {
    const v = t(0);
    if (reaches(v, Clean.All)) sinkReport('insecure-deserialization', v, `${name}() deserializes ${v.source}: serialized functions run on load`, name);
    return;
  }
  if ((recv === 'js-yaml' || name.startsWith('js-yaml.') || (/^(yaml|jsyaml|jsYaml|YAML)$/.test(recv) && a.tree.source.includes('js-yaml'))) && /^load(All)?$/.test(method)) {
    const opts = args[1] ? a.text(args[1]) : '';
    const unsafe = /DEFAULT_FULL_SCHEMA|FULL_SCHEMA/.test(opts);
    const safe = /(SAFE|JSON|CORE|FAILSAFE|DEFAULT)_SCHEMA/.test(opts) && !unsafe;
    const v = t(0);
    if (!safe && v && (unsafe || v.level >= Level.User)) {
      sinkReport('insecure-deserialization', v, `js-yaml ${method}() ${unsafe ? 'with DEFAULT_FULL_SCHEMA' : '(unsafe by default before js-yaml 4)'} parses ${v.source}: !!js/function tags run code`, `js-yaml.${method}`, unsafe ? {} : { severity: v.level >= Level.User ? 'error' : 'info' });
    }
    return;
  }

  // ---- ReDoS: new RegExp(...)
  if (name === 'RegExp' || name === 'window.RegExp') {
    if (args[0]?.type === 'string') {
      const flags = args[1]?.type === 'string' ? a.text(args[1]).slice(1, -1) : '';
      checkRegexPattern(a, args[0], unquote(a.text(args[0])), flags);
      return;
    }
    const v = t(0);
    if (reaches(v, Clean.Regex, Level.User)) sinkReport('redos', v, `new RegExp() compiles a pattern from ${v.source}: an attacker can supply a catastrophic pattern`, 'RegExp');
    return;
  }

  // ---- SQL injection
  if (SQL_METHODS.has(method) && args[0] && callee.receiver) {
    if (SQL_DB_ONLY.has(method) && !/(^|\.)(db|database|sqlite\w*|conn(ection)?|client|pool|knex|sequelize|pg|mysql\w*|tx|trx|transaction|sql)$/i.test(recv)) return;
    const v = t(0);
    const raw = /Raw|unsafe/i.test(method);
    if (reaches(v, Clean.Sql) && (v.literal !== undefined && SQL_TEXT.test(v.literal) || (raw && v.literal !== undefined))) {
      sinkReport('sql-injection', v, `${recv}.${method}() runs SQL built by concatenating or interpolating ${v.source}`, `${recv}.${method}`);
      return;
    }
  }

  // ---- NoSQL injection
  if (NOSQL_METHODS.has(method) && callee.receiver && args[0]) {
    const arg = args[0];
    if (arg.type === 'object') {
      for (const pair of arg.children) {
        if (pair.type !== 'pair' && pair.type !== 'shorthand_property_identifier') continue;
        const key = pair.type === 'pair' ? a.text(childByField(pair, 'key') ?? pair).replace(/^['"]|['"]$/g, '') : a.text(pair);
        const valueNode = pair.type === 'pair' ? childByField(pair, 'value') : pair;
        const v = valueNode ? a.taintOf(valueNode, scope) : undefined;
        if (key === '$where' && reaches(v, Clean.Code, Level.Param)) {
          sinkReport('nosql-injection', v, `$where runs JavaScript built from ${v.source} inside the database`, `${recv}.${method}`);
        } else if (reaches(v, Clean.NoSql, Level.User) && !v.stringish && isObjectCapable(v)) {
          sinkReport('nosql-injection', v, `${recv}.${method}() matches field '${key}' against ${v.source}, which can be an object with query operators ($ne, $gt, $regex)`, `${recv}.${method}`);
        }
      }
    } else if (arg.type !== 'arrow_function' && arg.type !== 'function_expression') {
      const v = t(0);
      if (reaches(v, Clean.NoSql, Level.User) && !v.stringish && isObjectCapable(v)) {
        sinkReport('nosql-injection', v, `${recv}.${method}() takes its query straight from ${v.source}`, `${recv}.${method}`);
      }
    }
  }
}

const EXTRACT_WRITERS = /^(makeDir|makeDirSync|mkdirp|mkdirpSync|mkdirs|mkdirsSync|ensureDir|ensureDirSync|writeFileTo|writeFileToAsync|outputFile|outputFileSync|Writer|createWriteStream|writeFile|writeFileSync)$/;

/** True when the enclosing function checks that a resolved path stays inside a folder (the zip-slip fix). */
function hasContainmentCheck(a: JsAnalyzer, scope: Scope): boolean {
  const fn = scope.fn.owner.node;
  if (!fn) return false;
  const text = a.text(fn);
  return /\.indexOf\([^)]*\)\s*[!=]==?\s*0\b|\.startsWith\(\s*(?!['"`])|path\.relative\(|isPathInside|pathIsInside|isInside\(/.test(text);
}

/** Route params, headers and URLs are always strings: they cannot carry query operators. */
function isObjectCapable(v: Taint): boolean {
  return !/\.(params|headers|url|originalUrl|path|hostname|cookies?)\b/.test(v.source) || /\.(body|query)\b/.test(v.source);
}

/** Unquotes a JavaScript string literal's text (enough for regex sources: escapes are kept as the RegExp sees them). */
function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, (_, e: string) => {
    if (e[0] === 'u') return String.fromCodePoint(parseInt(e.replace(/[u{}]/g, ''), 16));
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e === 'n') return '\n';
    if (e === 't') return '\t';
    if (e === 'r') return '\r';
    return e;
  });
}
