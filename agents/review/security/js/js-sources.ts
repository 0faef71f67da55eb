/**
 * Sources of outside data in JavaScript/TypeScript: request objects (Express, Koa, Fastify, Node's
 * http), messages and events (postMessage, Lambda, WebSocket), process.argv / env, and archive
 * entry names. Recognised by shape, since the analysis has no types.
 */
import { Level } from '../taint.js';

/** Names a request object usually has. */
const REQUEST_NAMES = new Set(['req', 'request', 'httpRequest', 'incomingMessage']);
/** Request properties holding client-controlled data. */
const REQUEST_PROPS = new Set(['body', 'query', 'params', 'headers', 'cookies', 'signedCookies', 'url', 'originalUrl', 'path', 'files', 'file', 'rawBody', 'hostname', 'search', 'searchParams']);
/** Request methods returning client-controlled data. */
export const REQUEST_METHODS = new Set(['param', 'get', 'header', 'query', 'cookie']);
/** Names an event or message object usually has. */
const EVENT_NAMES = new Set(['event', 'evt', 'msg', 'message', 'payload']);
/** Event properties holding sender-controlled data (postMessage, Lambda, WebSocket). */
const EVENT_PROPS = new Set(['data', 'body', 'queryStringParameters', 'pathParameters', 'multiValueQueryStringParameters']);
/** Archive entry properties holding the entry's name (adm-zip, yauzl, tar, unzipper). */
const ENTRY_NAME_PROPS = new Set(['entryName', 'fileName', 'linkname', 'linkpath']);
const ENTRY_OBJECT = /^(entry|zipEntry|tarEntry|header|hdr|\w*Entry)$/;
const ENTRY_PATH_PROPS = new Set(['path', 'name', 'filename', 'fileName', 'entryName', 'linkname', 'linkpath']);

/** A recognised source for a member chain like `req.query` or `ctx.request.body`. */
export interface SourceMatch {
  level: Level;
  label: string;
}

/**
 * Classifies a member chain given as its segments (`['ctx', 'request', 'body']`). Returns the
 * source when the chain reads outside data.
 */
export function memberSource(segments: readonly string[], archiveContext: boolean): SourceMatch | undefined {
  if (segments.length > 2 && (segments[0] === 'window' || segments[0] === 'self' || segments[0] === 'globalThis')) return memberSource(segments.slice(1), archiveContext);
  const [root, p1, p2] = segments;
  if (root === undefined || p1 === undefined) return undefined;
  if (root === 'process' && (p1 === 'argv' || p1 === 'env')) return { level: Level.Param, label: `process.${p1}` };
  if (root === 'location' && (p1 === 'search' || p1 === 'hash' || p1 === 'href')) return { level: Level.User, label: `location.${p1}` };
  if (root === 'document' && (p1 === 'cookie' || p1 === 'URL' || p1 === 'referrer')) return { level: Level.User, label: `document.${p1}` };
  // this.request.body (Koa 1), ctx.request.body, ctx.req.body, ctx.query (Koa)
  const isReq = (name: string): boolean => REQUEST_NAMES.has(name);
  if (isReq(root) && REQUEST_PROPS.has(p1)) return { level: Level.User, label: `${root}.${p1}` };
  if ((root === 'ctx' || root === 'context' || root === 'this') && (p1 === 'request' || p1 === 'req') && p2 !== undefined && REQUEST_PROPS.has(p2)) {
    return { level: Level.User, label: `${root}.${p1}.${p2}` };
  }
  if ((root === 'ctx' || root === 'context') && (p1 === 'query' || p1 === 'params' || p1 === 'headers' || p1 === 'cookies' || p1 === 'url' || p1 === 'path' || p1 === 'querystring')) {
    return { level: Level.User, label: `${root}.${p1}` };
  }
  if (EVENT_NAMES.has(root) && EVENT_PROPS.has(p1)) return { level: Level.User, label: `${root}.${p1}` };
  if (ENTRY_NAME_PROPS.has(p1) || (ENTRY_OBJECT.test(root) && ENTRY_PATH_PROPS.has(p1))) {
    if (archiveContext || ENTRY_OBJECT.test(root)) return { level: Level.Archive, label: `${root}.${p1}` };
  }
  return undefined;
}

/** True for a call like `req.param('x')`, `req.get('host')`, `ctx.get('x')`. */
export function isRequestMethodCall(receiver: string, method: string): boolean {
  return (REQUEST_NAMES.has(receiver) || receiver === 'ctx') && REQUEST_METHODS.has(method);
}

/** Packages whose presence means entry-shaped objects are archive entries (zip slip context). */
export const ARCHIVE_MODULES = /^(adm-zip|yauzl|tar|tar-stream|tar-fs|unzipper|unzip|unzip-stream|decompress[\w-]*|jszip|node-stream-zip|extract-zip|zip-lib|7zip-min|node-7z|archiver|tar-pack)$/;
