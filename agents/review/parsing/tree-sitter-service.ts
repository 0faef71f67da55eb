/**
 * The shared tree-sitter loader for the review agents: loads web-tree-sitter and the grammar
 * `.wasm` files once, keeps one parser per language and compiles each query once (a query compile
 * costs 100-300 ms, a parse of a 2,000-line file a few ms). web-tree-sitter's `Tree`, `Parser` and
 * `Query` objects live in wasm memory: callers `delete()` the trees they get from {@link parse};
 * the service deletes its parsers and queries on {@link TreeSitterService.dispose}.
 */
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';
import { CancelledError, InvalidInputError, errorMessage } from '../../../shared/errors/errors.js';
import type { Disposable } from '../../../shared/lifecycle/disposable.js';
import { LANGUAGE_IDS, type LanguageId } from './language-id.js';
import type { WasmPaths } from './wasm-paths.js';

/** Options for {@link TreeSitterService.create}. */
export interface TreeSitterOptions {
  /** Where the `.wasm` files are (see `defaultWasmPaths()` for node hosts). */
  paths: WasmPaths;
  /** Languages to load now; others load on first {@link TreeSitterService.ensureLanguage}. Default: every language with a path. */
  languages?: readonly LanguageId[];
}

/** Options for one parse. */
export interface ParseOptions {
  /** A previous tree of the same document, already `edit()`ed, for an incremental re-parse. */
  oldTree?: Tree | null;
  /** Cancels a long parse (checked by tree-sitter's progress callback). */
  signal?: AbortSignal;
}

let runtimeReady: Promise<void> | undefined;
let runtimePath: string | undefined;

/** web-tree-sitter's runtime is one per process: initialise it once, with the first path given. */
function initRuntime(path: string): Promise<void> {
  if (!runtimeReady) {
    runtimePath = path;
    runtimeReady = Parser.init({ locateFile: () => path }).catch((error: unknown) => {
      runtimeReady = undefined;
      throw new InvalidInputError(`Cannot load the web-tree-sitter runtime from ${path}: ${errorMessage(error)}`, { file: path }, { cause: error });
    });
  }
  return runtimeReady;
}

/** Parsers, languages and compiled queries for the review agents. Create with {@link TreeSitterService.create}. */
export class TreeSitterService implements Disposable {
  private readonly languages = new Map<LanguageId, Language>();
  private readonly loading = new Map<LanguageId, Promise<Language>>();
  private readonly parsers = new Map<LanguageId, Parser>();
  private readonly queries = new Map<string, Query>();
  private disposed = false;

  private constructor(private readonly paths: WasmPaths) {}

  /** Initialises the runtime and loads the requested grammars. Rejects with InvalidInputError naming a missing or broken `.wasm`. */
  static async create(options: TreeSitterOptions): Promise<TreeSitterService> {
    await initRuntime(options.paths.runtime);
    const service = new TreeSitterService(options.paths);
    const wanted = options.languages ?? LANGUAGE_IDS.filter((lang) => options.paths.languages[lang] !== undefined);
    await Promise.all(wanted.map((lang) => service.ensureLanguage(lang)));
    return service;
  }

  /** The runtime `.wasm` this process initialised web-tree-sitter with (the first one given). */
  static get runtimePath(): string | undefined {
    return runtimePath;
  }

  /** True when the grammar is loaded and {@link getParser} will not throw. */
  hasLanguage(lang: LanguageId): boolean {
    return this.languages.has(lang);
  }

  /** Loads a grammar if it is not loaded yet. */
  async ensureLanguage(lang: LanguageId): Promise<Language> {
    this.assertLive();
    const loaded = this.languages.get(lang);
    if (loaded) return loaded;
    let pending = this.loading.get(lang);
    if (!pending) {
      const path = this.paths.languages[lang];
      if (path === undefined) {
        throw new InvalidInputError(`No grammar .wasm path for '${lang}': set WasmPaths.languages.${lang}`, { key: `languages.${lang}` });
      }
      pending = Language.load(path).then(
        (language) => {
          this.languages.set(lang, language);
          return language;
        },
        (error: unknown) => {
          this.loading.delete(lang);
          throw new InvalidInputError(`Cannot load the ${lang} grammar from ${path}: ${errorMessage(error) || 'not a tree-sitter grammar for this runtime'}`, { file: path }, { cause: error });
        },
      );
      this.loading.set(lang, pending);
    }
    return pending;
  }

  /** The loaded grammar. Throws InvalidInputError when it was not loaded. */
  getLanguage(lang: LanguageId): Language {
    this.assertLive();
    const language = this.languages.get(lang);
    if (!language) throw new InvalidInputError(`The ${lang} grammar is not loaded: list it in TreeSitterOptions.languages or await ensureLanguage('${lang}')`, { key: 'languages' });
    return language;
  }

  /** The one cached parser for a language (parsing is synchronous, so sharing it is safe). */
  getParser(lang: LanguageId): Parser {
    let parser = this.parsers.get(lang);
    if (!parser) {
      parser = new Parser();
      parser.setLanguage(this.getLanguage(lang));
      this.parsers.set(lang, parser);
    }
    return parser;
  }

  /**
   * Parses text. The caller owns the returned tree and must `delete()` it.
   * Throws CancelledError when `options.signal` fires during the parse.
   */
  parse(lang: LanguageId, text: string, options: ParseOptions = {}): Tree {
    const parser = this.getParser(lang);
    const { signal } = options;
    if (signal?.aborted) throw new CancelledError('Parse cancelled', { cause: signal.reason });
    const tree = parser.parse(text, options.oldTree ?? null, signal ? { progressCallback: () => signal.aborted } : undefined);
    if (!tree) {
      parser.reset();
      if (signal?.aborted) throw new CancelledError('Parse cancelled', { cause: signal.reason });
      throw new InvalidInputError(`tree-sitter returned no tree for a ${lang} file`);
    }
    return tree;
  }

  /** Compiles a query once per (language, source) and returns the cached one. Throws InvalidInputError on a bad query. */
  getQuery(lang: LanguageId, source: string): Query {
    const key = `${lang}\0${source}`;
    let query = this.queries.get(key);
    if (!query) {
      try {
        query = new Query(this.getLanguage(lang), source);
      } catch (error) {
        throw new InvalidInputError(`Invalid tree-sitter query for ${lang}: ${errorMessage(error)}`, { key: 'query' }, { cause: error });
      }
      this.queries.set(key, query);
    }
    return query;
  }

  /** Number of compiled queries held (tests use it to prove queries are cached). */
  get queryCount(): number {
    return this.queries.size;
  }

  /** Deletes the parsers and compiled queries. Grammars stay loaded in the runtime. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const parser of this.parsers.values()) parser.delete();
    for (const query of this.queries.values()) query.delete();
    this.parsers.clear();
    this.queries.clear();
    this.languages.clear();
    this.loading.clear();
  }

  private assertLive(): void {
    if (this.disposed) throw new InvalidInputError('This TreeSitterService was disposed: create a new one');
  }
}
