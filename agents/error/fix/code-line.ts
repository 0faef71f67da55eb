/**
 * Reading one source line well enough to name what failed on it: the receiver of a property access
 * (`user.profile` in `user.profile.name`), the callee of a call, the expression at a column. This is
 * a character scanner, not a parser: lines are bounded (500 characters), every scan is linear in the
 * line, and a line it cannot read gives `undefined`, never a guess.
 */

const MAX_LINE = 500;
const MAX_SHOWN = 120;

/** True for characters that may appear in a JS/TS/Python/Java identifier. */
export function isIdentifierChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}_$]/u.test(ch);
}

/** True when `s` is one identifier (so `x?.s` is valid; otherwise `x?.['s']`). */
export function isIdentifier(s: string): boolean {
  return /^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(s);
}

/**
 * Formats a value as a Markdown code span: one line, bounded, never breaking out of its span.
 * `inlineCode('user.profile')` → `` `user.profile` ``.
 */
export function inlineCode(value: string, max = MAX_SHOWN): string {
  let s = value.replace(/\s+/g, ' ').trim();
  if (s.length > max) s = `${s.slice(0, max - 1)}…`;
  return s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``;
}

/**
 * The code of a line as a rule should read it: a code-frame gutter (`> 12 | `) removed, control
 * characters replaced, trimmed and bounded. `undefined` for an empty or absent line.
 */
export function cleanCodeLine(line: string | undefined): string | undefined {
  if (typeof line !== 'string') return undefined;
  let s = line.length > 4 * MAX_LINE ? line.slice(0, 4 * MAX_LINE) : line;
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  s = s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
  s = s.replace(/^[ \t]{0,8}>?[ \t]{0,8}\d{1,7}[ \t]{0,4}\|[ \t]?/, '');
  s = s.trim();
  if (s.length > MAX_LINE) s = s.slice(0, MAX_LINE);
  return s.length > 0 ? s : undefined;
}

/** One property access found on a line. */
export interface PropertyAccess {
  /** The expression whose property is read: `user.profile` in `user.profile.name`. */
  receiver: string;
  /** Index (0-based) where the property's name (or its `[`) starts. */
  at: number;
  /** The access as written: `user.profile.name`, `rows[0]`, `a?.b`. */
  text: string;
}

/**
 * Every access of property `prop` on the line (`.prop`, `?.prop`, `['prop']`, `[0]`), each with the
 * expression it is read from. Accesses whose receiver cannot be read are left out.
 */
export function findPropertyAccesses(line: string, prop: string): PropertyAccess[] {
  const found: PropertyAccess[] = [];
  if (prop.length === 0 || prop.length > 200) return found;
  const forms: { token: string; propOffset: number }[] = [];
  if (isIdentifier(prop)) forms.push({ token: `.${prop}`, propOffset: 1 });
  if (/^\d{1,10}$/.test(prop)) forms.push({ token: `[${prop}]`, propOffset: 0 });
  forms.push({ token: `['${prop}']`, propOffset: 0 }, { token: `["${prop}"]`, propOffset: 0 });
  for (const { token, propOffset } of forms) {
    let from = 0;
    while (from < line.length) {
      const index = line.indexOf(token, from);
      if (index < 0) break;
      from = index + 1;
      const end = index + token.length;
      if (token.startsWith('.') && isIdentifierChar(line[end])) continue; // `.name` inside `.names`
      let receiverEnd = index;
      if (line[index - 1] === '?' && token.startsWith('.')) receiverEnd = index - 1; // a?.name
      else if (line.slice(index - 2, index) === '?.') receiverEnd = index - 2; // a?.[0]
      const receiver = receiverBefore(line, receiverEnd);
      if (receiver === undefined) continue;
      found.push({ receiver, at: index + propOffset, text: line.slice(receiverEnd - receiver.length, end) });
    }
  }
  return found.sort((a, b) => a.at - b.at);
}

/** The access nearest to a 1-based column (stack traces point at or near the property), else the first. */
export function pickAccess(accesses: readonly PropertyAccess[], column?: number): PropertyAccess | undefined {
  if (accesses.length === 0) return undefined;
  if (column === undefined || !Number.isFinite(column)) return accesses[0];
  let best = accesses[0];
  for (const access of accesses) {
    if (best === undefined || Math.abs(access.at - (column - 1)) < Math.abs(best.at - (column - 1))) best = access;
  }
  return best;
}

/**
 * The member chain that ends just before `end`: identifiers joined by `.`/`?.`, calls and index
 * accesses (`getUser(id).profile`, `rows[0]`, `(await load()).data`). `undefined` when there is none.
 */
export function receiverBefore(line: string, end: number): string | undefined {
  let i = end - 1;
  let sawPart = false;
  while (i >= 0) {
    const ch = line[i];
    if (ch === ')' || ch === ']') {
      const open = matchingOpen(line, i);
      if (open < 0) return undefined;
      i = open - 1;
      sawPart = true;
      continue;
    }
    if ((ch === "'" || ch === '"' || ch === '`') && !sawPart) {
      // A string literal starts the chain: `'abc'.length`.
      let open = i - 1;
      while (open >= 0 && !(line[open] === ch && line[open - 1] !== '\\')) open--;
      if (open < 0) return undefined;
      i = open - 1;
      sawPart = true;
      break;
    }
    if (isIdentifierChar(ch)) {
      while (i >= 0 && isIdentifierChar(line[i])) i--;
      sawPart = true;
      if (line[i] === '.' && line[i - 1] === '?') i -= 2;
      else if (line[i] === '.' && line[i - 1] !== '.') i -= 1;
      else break;
      continue;
    }
    break;
  }
  if (!sawPart) return undefined;
  const text = line.slice(i + 1, end).trim();
  if (text.length === 0 || /^\d/.test(text)) return undefined;
  return text;
}

/** Index of the bracket opening the one that closes at `close`, skipping quoted strings; -1 if unbalanced. */
function matchingOpen(line: string, close: number): number {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = close; i >= 0; i--) {
    const ch = line[i] as string;
    if (quote !== undefined) {
      if (ch === quote && line[i - 1] !== '\\') quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      continue;
    }
    if (ch === ')' || ch === ']' || ch === '}') stack.push(pairs[ch] as string);
    else if (ch === '(' || ch === '[' || ch === '{') {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** Index of the bracket closing the one that opens at `open`, skipping quoted strings; -1 if unbalanced. */
function matchingClose(line: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = open; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') stack.push(pairs[ch] as string);
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** `receiver?.prop` in the form that is valid for this property name. */
export function optionalAccess(receiver: string, prop: string): string {
  if (isIdentifier(prop)) return `${receiver}?.${prop}`;
  if (/^\d{1,10}$/.test(prop)) return `${receiver}?.[${prop}]`;
  return `${receiver}?.[${JSON.stringify(prop)}]`;
}

/** What kind of expression a receiver is, to phrase the advice. */
export type ExpressionShape = 'call' | 'index' | 'member' | 'identifier' | 'other';

/** `getUser(id)` → call, `rows[0]` → index, `user.profile` → member, `user` → identifier. */
export function shapeOf(expr: string): ExpressionShape {
  if (expr.endsWith(')') && !expr.startsWith('(')) return 'call';
  if (expr.endsWith(']')) return 'index';
  if (isIdentifier(expr)) return 'identifier';
  const last = expr.lastIndexOf('.');
  return last > 0 && isIdentifier(expr.slice(last + 1)) ? 'member' : 'other';
}

/**
 * The name a person would look for: the last property of a member chain (`profile` in
 * `user.profile`), the function of a call (`getUser` in `api.getUser(id)`), the array of an index
 * (`rows` in `rows[0]`).
 */
export function lastName(expr: string): string | undefined {
  let s = expr;
  if (s.endsWith(')') || s.endsWith(']')) {
    const open = matchingOpen(s, s.length - 1);
    if (open <= 0) return undefined;
    s = s.slice(0, open);
  }
  if (s.endsWith('?.')) s = s.slice(0, -2);
  let i = s.length - 1;
  while (i >= 0 && isIdentifierChar(s[i])) i--;
  const name = s.slice(i + 1);
  return name.length > 0 && isIdentifier(name) ? name : undefined;
}

/** The part of an index or call expression before its last bracket: `rows` for `rows[0]`. */
export function baseOf(expr: string): string | undefined {
  if (!expr.endsWith(')') && !expr.endsWith(']')) return undefined;
  const open = matchingOpen(expr, expr.length - 1);
  if (open <= 0) return undefined;
  const base = expr.slice(0, open).replace(/\?\.$/, '');
  return base.length > 0 ? base : undefined;
}

const KEYWORDS = new Set([
  'if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'typeof', 'await', 'new', 'super', 'import',
  'require', 'expect', 'assert', 'print', 'elif', 'with', 'def', 'class', 'async', 'void', 'delete', 'in', 'of',
]);

/** One call found on a line. */
export interface CallSite {
  /** What is called: `fs.readFileSync`, `takesNum`. */
  callee: string;
  /** The whole call as written: `fs.readFileSync(path)`. */
  text: string;
  /** Index where the callee starts. */
  at: number;
}

/** The calls on a line, left to right, keywords (`if (`, `await`, `expect(`) excluded. */
export function findCalls(line: string): CallSite[] {
  const calls: CallSite[] = [];
  for (let i = 0; i < line.length && calls.length < 20; i++) {
    if (line[i] !== '(' || !isIdentifierChar(line[i - 1])) continue;
    const callee = receiverBefore(line, i);
    if (callee === undefined) continue;
    const name = lastName(callee) ?? callee;
    if (KEYWORDS.has(callee) || KEYWORDS.has(name)) continue;
    const close = matchingClose(line, i);
    const at = i - callee.length;
    // A definition, not a call: `function walk(…)`, `def walk(…)`, a method `walk(…) {`.
    if (/\b(?:function\*?|def|fun|func|void|int|String|public|private|static)\s{1,10}$/.test(line.slice(Math.max(0, at - 20), at))) continue;
    if (close > 0 && /^\s{0,10}(?:\{|:\s{0,10}[\p{L}_$][^=]{0,200}\{)/u.test(line.slice(close + 1)) && !/[=(,]\s{0,10}$/.test(line.slice(0, at))) continue;
    calls.push({ callee, text: close > 0 ? line.slice(at, close + 1) : `${callee}(…)`, at });
  }
  return calls;
}

/** The call whose callee is nearest a 1-based column, else the first call. */
export function pickCall(calls: readonly CallSite[], column?: number): CallSite | undefined {
  if (calls.length === 0) return undefined;
  if (column === undefined || !Number.isFinite(column)) return calls[0];
  let best = calls[0] as CallSite;
  for (const call of calls) {
    const distance = (c: CallSite): number => Math.min(Math.abs(c.at - (column - 1)), Math.abs(c.at + c.callee.length - (column - 1)));
    if (distance(call) < distance(best)) best = call;
  }
  return best;
}

/**
 * The member chain starting at a 0-based index (`arr[0].toUpperCase` from `arr…`), without a
 * trailing call's arguments. Used where a tool reports the start column of an expression.
 */
export function chainAt(line: string, start: number): string | undefined {
  let i = start;
  if (!isIdentifierChar(line[i])) return undefined;
  while (i < line.length) {
    while (i < line.length && isIdentifierChar(line[i])) i++;
    const ch = line[i];
    if (ch === '[') {
      const close = matchingClose(line, i);
      if (close < 0) break;
      i = close + 1;
      continue;
    }
    if (ch === '?' && line[i + 1] === '.') {
      i += 2;
      continue;
    }
    if (ch === '.' && isIdentifierChar(line[i + 1])) {
      i += 1;
      continue;
    }
    break;
  }
  const text = line.slice(start, i);
  return text.length > 0 ? text : undefined;
}

/**
 * The argument text of the first call of `name` on the line: `add(1, 1)` for `expect` in
 * `expect(add(1, 1)).toBe(3)`. `undefined` when there is no such call or it is not closed on the line.
 */
export function argumentsOf(line: string, name: string): string | undefined {
  let from = 0;
  while (from < line.length) {
    const index = line.indexOf(`${name}(`, from);
    if (index < 0) return undefined;
    from = index + 1;
    if (isIdentifierChar(line[index - 1]) || (line[index - 1] === '.' && !name.includes('.'))) continue;
    const open = index + name.length;
    const close = matchingClose(line, open);
    if (close < 0) return undefined;
    return line.slice(open + 1, close).trim();
  }
  return undefined;
}
