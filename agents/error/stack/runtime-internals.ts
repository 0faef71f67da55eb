/**
 * Which frames belong to a runtime rather than to anyone's code (`node:internal/…`, `<anonymous>`,
 * the JDK, Go's runtime and standard library, CPython's standard library, .NET's `System.*`), and
 * which project paths hold dependencies (`node_modules`, `site-packages`, `vendor` …). Internals are
 * marked while parsing; dependencies are known only once a frame is resolved against the project.
 */

// Node's core modules as older versions named them in frames (`events.js:116:13`, no folder).
const NODE_CORE_FILES = new Set(
  [
    '_http_agent', '_http_client', '_http_common', '_http_incoming', '_http_outgoing', '_http_server',
    '_stream_duplex', '_stream_passthrough', '_stream_readable', '_stream_transform', '_stream_writable',
    '_tls_wrap', 'assert', 'async_hooks', 'bootstrap_node', 'buffer', 'child_process', 'cluster', 'crypto',
    'dgram', 'dns', 'domain', 'events', 'fs', 'http', 'http2', 'https', 'module', 'net', 'os', 'path',
    'perf_hooks', 'process', 'punycode', 'querystring', 'readline', 'repl', 'stream', 'string_decoder',
    'timers', 'tls', 'tty', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
  ].map((name) => `${name}.js`),
);

const JS_INTERNAL = /^(?:node:|internal[/\\]|ext:|deno:|bun:|\[eval\]|<anonymous>|evalmachine\.<anonymous>|native$|<(?:native|unknown|repl)>|REPL\d+$|debugger eval code|\[native code\]|(?:chrome|moz|safari(?:-web)?)-extension:|webpack\/bootstrap|webpack:\/\/\/?(?:\([^)]*\)\/)?webpack\/)/;

/** A JavaScript frame's file that is the engine's or the runtime's, not a script's. */
export function isJavaScriptInternal(file: string | undefined): boolean {
  if (file === undefined || file === '') return true;
  // Fast path: an absolute path is a script's.
  if (file.charCodeAt(0) === 47 /* / */ || file.startsWith('file:') || file.startsWith('http')) return false;
  if (JS_INTERNAL.test(file)) return true;
  return NODE_CORE_FILES.has(file);
}

/** A Python frame's file that is the interpreter's: `<frozen …>`, `<string>`, the standard library. */
export function isPythonInternal(file: string): boolean {
  if (file.startsWith('<')) return true;
  if (/[\\/](?:site|dist)-packages[\\/]/.test(file)) return false;
  // `/usr/lib/python3.11/json/decoder.py`, `~/.pyenv/versions/3.11.7/lib/python3.11/…`, `C:\Python311\Lib\…`.
  return /[\\/]lib[\\/]python\d+(?:\.\d+)*[\\/]/i.test(file) || /[\\/]Python\d+[\\/]Lib[\\/]/i.test(file);
}

/** A Java frame of the JDK (`java.base/…`, `java.*`, `jdk.*`, `sun.*`, native methods). */
export function isJavaInternal(qualifiedMethod: string, module: string | undefined): boolean {
  if (module && /^(?:java|jdk)\.[\w.]+(?:@[\w.+-]*)?$/.test(module)) return true;
  return /^(?:java|javax|jdk|sun|com\.sun)\./.test(qualifiedMethod);
}

/**
 * A Go frame of the runtime or the standard library: the `runtime.`/`panic` functions, or a
 * standard package (no dot in its first path element) whose file lies under a GOROOT `src/`.
 */
export function isGoInternal(fn: string | undefined, file: string): boolean {
  if (fn !== undefined && /^(?:runtime|panic|testing)(?:\.|\(|$)/.test(fn)) return true;
  const normalized = file.replace(/\\/g, '/');
  if (fn === undefined) return /\/go(?:-[\d.]+)?\/src\/[^./]+\//.test(normalized);
  const lastSlash = fn.lastIndexOf('/');
  const dot = fn.indexOf('.', lastSlash + 1);
  if (dot < 0) return false;
  const pkg = fn.slice(0, dot);
  if (pkg === 'main' || pkg.split('/')[0]!.includes('.')) return false;
  return normalized.includes(`/src/${pkg}/`);
}

/** A .NET frame of the framework (`System.*`, `Microsoft.*`, generated lambdas). */
export function isDotnetInternal(method: string): boolean {
  return /^(?:System|Microsoft|Internal|lambda_method\d*)(?:[.(]|$)/.test(method);
}

const DEPENDENCY_FOLDER = /(?:^|\/)(?:node_modules|bower_components|jspm_packages|site-packages|dist-packages|__pypackages__|\.venv|venv|\.tox|\.yarn|\.pnpm-store|vendor|Pods|\.cargo|\.m2|\.gradle)\//;

/** A project path (relative, forward slashes) inside a dependency folder. */
export function isDependencyPath(projectFile: string): boolean {
  return DEPENDENCY_FOLDER.test(projectFile);
}
