/**
 * Generated positions → original ones, through the source map a JavaScript file names in its
 * `//# sourceMappingURL=` comment: inline (`data:application/json;base64,…`), a file next to it or
 * elsewhere inside the root (`x.js.map`, `file://…`), or, with no comment, `x.js.map` beside it (a
 * "hidden" source map). Maps are never fetched (`http(s):` is ignored) and never read from outside
 * the root. A map that is not JSON, not a source map, or whose mappings do not decode counts as no map.
 *
 * `source-map` 0.8 decodes mappings in WebAssembly memory that is freed only by `destroy()`.
 * Consumers live in a small cache shared across calls (consumer-cache.ts), which destroys them when
 * they leave it and no call holds them; {@link clearSourceMapCache} frees them all.
 */
import { posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SourceMapConsumer, type RawIndexMap, type RawSourceMap } from 'source-map';
import { z } from 'zod';
import { isErrorNamed } from './caught.js';
import { ConsumerCache, type SharedConsumer } from './consumer-cache.js';
import type { ProjectFiles } from './project-files.js';

const rawSourceMapSchema = z.object({
  version: z.union([z.number(), z.string()]),
  sources: z.array(z.string().nullable()),
  mappings: z.string(),
  names: z.array(z.unknown()).optional(),
  sourceRoot: z.string().nullish(),
  sourcesContent: z.array(z.string().nullable()).nullish(),
  file: z.string().nullish(),
});
const indexMapSchema = z.object({
  version: z.union([z.number(), z.string()]),
  file: z.string().nullish(),
  sections: z.array(z.object({ offset: z.object({ line: z.number(), column: z.number() }), map: rawSourceMapSchema })).max(10_000),
});

type RawMapInput = z.output<typeof rawSourceMapSchema>;

function toRawSourceMap(map: RawMapInput): RawSourceMap {
  const raw: RawSourceMap = {
    version: Number(map.version),
    sources: map.sources.map((source) => source ?? ''),
    names: (map.names ?? []).map(String),
    mappings: map.mappings,
    file: map.file ?? '',
  };
  if (map.sourceRoot) raw.sourceRoot = map.sourceRoot;
  if (map.sourcesContent) raw.sourcesContent = map.sourcesContent.map((content) => content ?? '');
  return raw;
}

/** The source map's JSON checked against the format; undefined for anything else. */
export function parseSourceMap(text: string): RawSourceMap | RawIndexMap | undefined {
  let json: unknown;
  try {
    // Maps may start with the XSSI guard `)]}'`.
    json = JSON.parse(text.startsWith(")]}'") ? text.slice(text.indexOf('\n') + 1) : text);
  } catch (error) {
    if (isErrorNamed(error, 'SyntaxError')) return undefined;
    throw error;
  }
  const basic = rawSourceMapSchema.safeParse(json);
  if (basic.success) return toRawSourceMap(basic.data);
  const indexed = indexMapSchema.safeParse(json);
  if (!indexed.success) return undefined;
  return { version: Number(indexed.data.version), file: indexed.data.file ?? undefined, sections: indexed.data.sections.map((section) => ({ offset: section.offset, map: toRawSourceMap(section.map) })) };
}

/** The URL of the last `//# sourceMappingURL=` comment (or its CSS-style block form) of a generated file, if any. */
export function sourceMappingUrl(code: string): string | undefined {
  const at = code.lastIndexOf('sourceMappingURL=');
  if (at < 3) return undefined;
  const lineStart = code.lastIndexOf('\n', at) + 1;
  // The comment opens its line: a string in the code that mentions the comment does not count.
  if (!/^\s*(?:\/\/|\/\*)[#@] ?$/.test(code.slice(lineStart, at))) return undefined;
  const rest = code.slice(at + 'sourceMappingURL='.length);
  const end = rest.search(/\s|\*\//);
  const url = end < 0 ? rest : rest.slice(0, end);
  return url === '' ? undefined : url;
}

/** Decodes a `data:` URL holding JSON; undefined for other media types or bad encodings. */
function decodeDataUrl(url: string, maxBytes: number): string | undefined {
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const meta = url.slice(5, comma).toLowerCase();
  if (!meta.startsWith('application/json') && !meta.startsWith('text/plain') && meta !== '' && meta !== ';base64') return undefined;
  const payload = url.slice(comma + 1);
  if (payload.length > maxBytes * 2) return undefined;
  if (meta.endsWith(';base64')) return Buffer.from(payload, 'base64').toString('utf8');
  try {
    return decodeURIComponent(payload);
  } catch (error) {
    if (isErrorNamed(error, 'URIError')) return undefined;
    throw error;
  }
}

/** A position in an original source, as a source map gives it. */
export interface OriginalPosition {
  /** The original source as the map resolves it (`file:///…` for a file, `webpack://…` as written). */
  source: string;
  line: number;
  /** 0-based, as source maps count. */
  column: number;
}

/** Consumers shared by every `locate` call of this process (see consumer-cache.ts). */
const sharedConsumers = new ConsumerCache();

/** Frees every source-map consumer kept across calls (a host shutting down, a test cleaning up). */
export function clearSourceMapCache(): void {
  sharedConsumers.clear();
}

/** Identity of a consumer made from files on disk: their stamps (the map's is '' when it is inline). */
function stampIdentity(generatedStamp: string, mapFile: string | undefined, mapStamp: string): string {
  return `stamp:${generatedStamp}|${mapFile ?? ''}|${mapStamp}`;
}

/** Source maps of one `locate` call: each generated file's map loaded once; every consumer it took is released on dispose. */
export class SourceMapStore {
  private readonly maps = new Map<string, Promise<SharedConsumer | undefined>>();
  private readonly held: SharedConsumer[] = [];
  private disposed = false;

  constructor(
    private readonly files: ProjectFiles,
    private readonly maxBytes: number,
  ) {}

  /** The original position of `line`/`column` (1-based, as traces print them) of a generated project file. */
  async originalPosition(generated: string, line: number, column: number | undefined): Promise<OriginalPosition | undefined> {
    let loaded = this.maps.get(generated);
    if (!loaded) {
      loaded = this.load(generated);
      this.maps.set(generated, loaded);
    }
    const map = await loaded;
    if (!map || this.disposed) return undefined;
    const generatedColumn = column !== undefined && column >= 1 ? column - 1 : 0;
    let position;
    try {
      position = map.consumer.originalPositionFor({ line, column: generatedColumn, bias: SourceMapConsumer.GREATEST_LOWER_BOUND });
      if (position.source === null || position.line === null) {
        position = map.consumer.originalPositionFor({ line, column: generatedColumn, bias: SourceMapConsumer.LEAST_UPPER_BOUND });
      }
    } catch (error) {
      // Mappings that do not decode (the library reports them as plain Errors from its WebAssembly parser).
      if (isErrorNamed(error, 'Error', 'TypeError', 'RangeError', 'SyntaxError', 'RuntimeError')) return undefined;
      throw error;
    }
    if (position.source === null || position.line === null) return undefined;
    return { source: position.source, line: position.line, column: position.column ?? 0 };
  }

  private async load(generated: string): Promise<SharedConsumer | undefined> {
    const generatedUrl = pathToFileURL(this.files.absolutePath(generated)!).href;
    // Fast path, files on disk: the generated file and its map unchanged since a consumer was made.
    const generatedStamp = await this.files.stamp(generated);
    if (generatedStamp !== undefined) {
      const seen = sharedConsumers.peek(generatedUrl);
      if (seen) {
        const mapStamp = seen.mapFile === undefined ? '' : await this.files.stamp(seen.mapFile);
        const hit = mapStamp === undefined ? undefined : sharedConsumers.acquire(generatedUrl, stampIdentity(generatedStamp, seen.mapFile, mapStamp));
        if (hit) return this.hold(hit);
      }
    }
    const code = await this.files.read(generated);
    if (code === undefined) return undefined;
    const url = sourceMappingUrl(code);
    let text: string | undefined;
    let mapUrl = generatedUrl;
    let mapFile: string | undefined;
    if (url === undefined) {
      mapFile = `${generated}.map`;
    } else if (/^data:/i.test(url)) {
      text = decodeDataUrl(url, this.maxBytes);
    } else {
      mapFile = this.mapFileOf(generated, url);
      if (mapFile === undefined) return undefined;
    }
    if (mapFile !== undefined) {
      text = await this.files.read(mapFile);
      mapUrl = pathToFileURL(this.files.absolutePath(mapFile)!).href;
    }
    if (text === undefined || text.length > this.maxBytes || this.disposed) return undefined;
    let identity = `text:${mapUrl}\n${text}`;
    if (generatedStamp !== undefined) {
      const mapStamp = mapFile === undefined ? '' : await this.files.stamp(mapFile);
      if (mapStamp !== undefined) identity = stampIdentity(generatedStamp, mapFile, mapStamp);
    }
    const cached = sharedConsumers.acquire(generatedUrl, identity);
    if (cached) return this.hold(cached);
    const raw = parseSourceMap(text);
    if (!raw) return undefined;
    let consumer: SourceMapConsumer;
    try {
      consumer = await new SourceMapConsumer(raw, mapUrl);
    } catch (error) {
      // An unsupported version or an invalid mapping set: the library throws plain Errors.
      if (isErrorNamed(error, 'Error', 'TypeError', 'RangeError', 'SyntaxError', 'RuntimeError')) return undefined;
      throw error;
    }
    return this.hold(sharedConsumers.add(generatedUrl, identity, mapFile, text.length, consumer));
  }

  private hold(entry: SharedConsumer): SharedConsumer | undefined {
    if (this.disposed) {
      sharedConsumers.release(entry);
      return undefined;
    }
    this.held.push(entry);
    return entry;
  }

  /** The project path of a map named by a comment, or undefined when it is remote or outside the root. */
  private mapFileOf(generated: string, url: string): string | undefined {
    if (/^file:/i.test(url)) {
      try {
        return this.files.relativePath(fileURLToPath(url));
      } catch (error) {
        if (isErrorNamed(error, 'TypeError')) return undefined;
        throw error;
      }
    }
    // http(s), or any other scheme: never fetched.
    if (/^[a-z][\w+.-]*:/i.test(url) || url.startsWith('//')) return undefined;
    let decoded: string;
    try {
      decoded = decodeURI(url);
    } catch (error) {
      if (isErrorNamed(error, 'URIError')) return undefined;
      throw error;
    }
    // An absolute path names a file of this machine; a relative one is relative to the generated file.
    if (decoded.startsWith('/')) return this.files.relativePath(decoded);
    const joined = posix.normalize(posix.join(posix.dirname(generated), decoded));
    if (joined === '..' || joined.startsWith('../')) return undefined;
    return this.files.absolutePath(joined) === undefined ? undefined : joined;
  }

  /** Releases every consumer this store took (destroyed then unless the shared cache keeps them). */
  dispose(): void {
    this.disposed = true;
    for (const entry of this.held.splice(0)) sharedConsumers.release(entry);
  }
}
