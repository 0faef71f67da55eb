/**
 * A small, strict, bounded XML parser for test reports (JUnit XML from pytest and node:test).
 * No XML library is installed, and a report needs only elements, attributes, text, CDATA,
 * comments and the predefined and numeric entities. Everything else is refused with a clear
 * error: a DOCTYPE (so no entity expansion, no billion laughs, no external entities), unknown
 * entities, control characters (binary junk), mismatched tags, and inputs past the size, depth or
 * node-count limits. It never recurses, so a deeply nested document cannot overflow the stack.
 */
import { InvalidInputError } from '../../../shared/errors/errors.js';

/** An element: name, attributes and children (elements and text, in order). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}

/** A child node: an element or a run of text (entities already decoded). */
export type XmlNode = XmlElement | string;

/** Limits of {@link parseXml}. */
export interface XmlLimits {
  /** Characters of input at most. Default 64 Mi. */
  maxLength?: number;
  /** Element nesting at most. Default 256. */
  maxDepth?: number;
  /** Elements at most. Default 500,000. */
  maxElements?: number;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /[A-Za-z_:][\w.:-]*/y;
// Characters XML 1.0 forbids: C0 controls other than tab, LF and CR, plus lone surrogates are left
// to the decoder (they arrive as U+FFFD) and U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Decodes entity and character references; an unknown entity is an error. */
function decodeEntities(text: string, where: string, source: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]{0,12});?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw fail(`a '&' that does not start an entity in ${where}; write &amp;`, source);
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!Number.isInteger(code) || code < 0x9 || code > 0x10ffff || FORBIDDEN.test(String.fromCodePoint(code))) {
        throw fail(`invalid character reference '${match}' in ${where}`, source);
      }
      return String.fromCodePoint(code);
    }
    const value = PREDEFINED[ref];
    if (value === undefined) throw fail(`unknown entity '${match}' in ${where} (only the five predefined XML entities are allowed)`, source);
    return value;
  });
}

function fail(message: string, source: string): InvalidInputError {
  return new InvalidInputError(`Malformed XML in ${source}: ${message}`, { file: source });
}

/**
 * Parses a whole document and returns its root element. `source` names the input in errors (the
 * report file). Throws InvalidInputError for anything malformed or over a limit.
 */
export function parseXml(text: string, source: string, limits: XmlLimits = {}): XmlElement {
  const maxLength = limits.maxLength ?? 64 * 1024 * 1024;
  const maxDepth = limits.maxDepth ?? 256;
  const maxElements = limits.maxElements ?? 500_000;
  if (text.length > maxLength) throw fail(`the report has ${text.length} characters, more than the limit of ${maxLength}`, source);
  const bad = FORBIDDEN.exec(text);
  if (bad) throw fail(`control character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} at offset ${bad.index}: this is not a text report`, source);

  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;

  const lineAt = (offset: number): number => text.slice(0, offset).split('\n').length;
  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) throw fail(`expected a name at line ${lineAt(i)}`, source);
    i = NAME.lastIndex;
    return m[0];
  };
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const expectEnd = (token: string, what: string): number => {
    const end = text.indexOf(token, i);
    if (end < 0) throw fail(`unterminated ${what} starting at line ${lineAt(i)}`, source);
    return end;
  };

  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const textEnd = lt < 0 ? text.length : lt;
    if (textEnd > i) {
      const run = text.slice(i, textEnd);
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(decodeEntities(run, `the text of <${parent.name}>`, source));
      else if (run.trim() !== '') throw fail(`text outside the root element at line ${lineAt(i)}`, source);
      i = textEnd;
      if (lt < 0) break;
    }
    if (text.startsWith('<?', i)) {
      i = expectEnd('?>', 'processing instruction') + 2;
    } else if (text.startsWith('<!--', i)) {
      i = expectEnd('-->', 'comment') + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const parent = stack[stack.length - 1];
      if (!parent) throw fail(`CDATA outside the root element at line ${lineAt(i)}`, source);
      const end = expectEnd(']]>', 'CDATA section');
      parent.children.push(text.slice(i + 9, end));
      i = end + 3;
    } else if (text.startsWith('<!', i)) {
      throw fail(`declarations (<!DOCTYPE>, <!ENTITY>) are not allowed in a test report (line ${lineAt(i)})`, source);
    } else if (text.startsWith('</', i)) {
      i += 2;
      const name = readName();
      skipSpace();
      if (text[i] !== '>') throw fail(`expected '>' to close </${name}> at line ${lineAt(i)}`, source);
      i++;
      const open = stack.pop();
      if (!open || open.name !== name) {
        throw fail(`closing tag </${name}> at line ${lineAt(i)} does not match ${open ? `<${open.name}>` : 'any open element'}`, source);
      }
    } else {
      i++;
      const name = readName();
      const element: XmlElement = { name, attributes: Object.create(null) as Record<string, string>, children: [] };
      if (++elements > maxElements) throw fail(`more than ${maxElements} elements`, source);
      for (;;) {
        const before = i;
        skipSpace();
        if (text.startsWith('/>', i) || text[i] === '>') break;
        if (i === before) throw fail(`expected whitespace, '>' or '/>' in <${name}> at line ${lineAt(i)}`, source);
        const attr = readName();
        skipSpace();
        if (text[i] !== '=') throw fail(`attribute '${attr}' of <${name}> has no value (line ${lineAt(i)})`, source);
        i++;
        skipSpace();
        const quote = text[i];
        if (quote !== '"' && quote !== "'") throw fail(`attribute '${attr}' of <${name}> must be quoted (line ${lineAt(i)})`, source);
        const end = text.indexOf(quote, i + 1);
        if (end < 0) throw fail(`unterminated value of attribute '${attr}' of <${name}>`, source);
        const raw = text.slice(i + 1, end);
        if (raw.includes('<')) throw fail(`'<' inside attribute '${attr}' of <${name}> (line ${lineAt(i)})`, source);
        if (Object.prototype.hasOwnProperty.call(element.attributes, attr)) throw fail(`duplicate attribute '${attr}' in <${name}>`, source);
        element.attributes[attr] = decodeEntities(raw, `attribute '${attr}' of <${name}>`, source);
        i = end + 1;
      }
      const selfClosing = text[i] === '/';
      i += selfClosing ? 2 : 1;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) throw fail(`a second root element <${name}> at line ${lineAt(i)}`, source);
      else root = element;
      if (!selfClosing) {
        if (stack.length >= maxDepth) throw fail(`elements nested deeper than ${maxDepth}`, source);
        stack.push(element);
      }
    }
  }
  if (stack.length > 0) throw fail(`the document ends inside <${stack[stack.length - 1]!.name}> (truncated?)`, source);
  if (!root) throw fail('no root element (empty report?)', source);
  return root;
}

/** The text content of an element and its descendants, in document order (iterative). */
export function textOf(element: XmlElement): string {
  const parts: string[] = [];
  const todo: XmlNode[] = [...element.children].reverse();
  while (todo.length > 0) {
    const node = todo.pop()!;
    if (typeof node === 'string') parts.push(node);
    else for (let k = node.children.length - 1; k >= 0; k--) todo.push(node.children[k]!);
  }
  return parts.join('');
}
