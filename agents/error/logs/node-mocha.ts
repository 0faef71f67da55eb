/**
 * node:test (spec and TAP reporters) and mocha failure reports.
 * - node:test spec: `✖ name (1.2ms)`, then the error indented below it (message, frames, inspected
 *   properties, `[cause]:`); suites are `▶ name` lines, two spaces per level.
 * - node:test TAP: `not ok N - name` and a YAML block (`error`, `name`, `code`, `location`,
 *   `stack: |-`); nesting comes from `# Subtest:` lines, four spaces per level.
 * - mocha: after `N failing`, `  1) suite` / `       test:` titles, the message, a diff, frames.
 */
import { CONTINUE, END_AFTER, END_BEFORE, isBlank, type Block, type Emit, type Feed, type Line, type Probe } from './block.js';
import { kindOf, type ErrorDraft } from './error-draft.js';
import { isChainMarker, isFrame } from './stack-blocks.js';
import type { SourceLocation } from '../types.js';

/** A node:test spec reporter `✖` line: the test's name without its duration. */
export function specTestName(body: string): string {
  let name = body.slice(1).trim();
  const hash = name.lastIndexOf(' # ');
  if (hash !== -1 && name.lastIndexOf('ms)') < hash) name = name.slice(0, hash).trimEnd();
  if (name.endsWith('ms)')) {
    const open = name.lastIndexOf(' (');
    if (open !== -1 && /^ \(\d+(?:\.\d+)?ms\)$/.test(name.slice(open))) name = name.slice(0, open).trimEnd();
  }
  return name;
}

/** Rollups of a suite whose tests failed (each is reported itself): not an error of their own. */
const ROLLUP = /^'?\d+ subtests? failed'?$/;

/** A failing test of the node:test spec reporter: the lines indented deeper than its `✖`. */
export class NodeSpecBlock implements Block {
  private seenBody = false;
  private sawFrame = false;

  constructor(
    private readonly draft: ErrorDraft,
    private readonly baseIndent: number,
    private readonly leaf: string,
  ) {}

  feed(line: Line): Feed {
    if (isBlank(line)) return CONTINUE;
    if (line.indent <= this.baseIndent) return END_BEFORE;
    const t = line.text;
    if (!this.seenBody) {
      this.draft.message = t.trim();
      this.seenBody = true;
    } else if (isFrame(line)) {
      this.draft.addStack(t);
      this.sawFrame = true;
    } else if (this.sawFrame && (isChainMarker(line) || /^\s*\[cause\]:/.test(t))) {
      this.draft.addStack(t);
    } else {
      this.draft.addContext(t);
    }
    return CONTINUE;
  }

  finish(emit: Emit): void {
    if (!this.seenBody || ROLLUP.test(this.draft.message)) return;
    // A failure that is only a string is shown inspected: 'test failed'.
    const quoted = /^'(.*)'$/.exec(this.draft.message);
    if (quoted) this.draft.message = quoted[1]!;
    this.draft.kind = kindOf(this.draft.message, 'test-failure');
    this.draft.dedupeKey = `${this.leaf}\u0000${this.draft.message}`;
    emit(this.draft);
  }
}

/** `'/path/test.js:5:3'` → a location. */
export function parseLocation(text: string): SourceLocation | undefined {
  const m = /^(.+?):(\d+)(?::(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const location: SourceLocation = { file: m[1]!, line: Number(m[2]) };
  if (m[3]) location.column = Number(m[3]);
  return location;
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    try {
      return JSON.parse(v) as string;
    } catch {
      return v.slice(1, -1);
    }
  }
  return v;
}

/** A TAP `not ok` with its YAML diagnostics. */
export class TapBlock implements Block {
  private started = false;
  private readonly fields = new Map<string, string>();
  private blockKey: string | undefined;
  private blockIndent = -1;
  private blockLines: string[] = [];
  private blockChars = 0;

  constructor(
    private readonly draft: ErrorDraft,
    private readonly baseIndent: number,
    private readonly leaf: string,
  ) {}

  feed(line: Line): Feed {
    const keyIndent = this.baseIndent + 2;
    const body = line.text.slice(line.indent);
    if (!this.started) {
      if (line.indent === keyIndent && body === '---') {
        this.started = true;
        return CONTINUE;
      }
      return END_BEFORE;
    }
    if (this.blockKey !== undefined) {
      if (isBlank(line) || line.indent > keyIndent) {
        if (this.blockIndent < 0 && !isBlank(line)) this.blockIndent = line.indent;
        if (this.blockLines.length < 400 && this.blockChars < 64 * 1024) {
          const kept = isBlank(line) ? '' : line.text.slice(Math.min(line.indent, this.blockIndent), 4096);
          this.blockLines.push(kept);
          this.blockChars += kept.length;
        }
        return CONTINUE;
      }
      this.closeBlockScalar();
    }
    if (line.indent === keyIndent && body.trimEnd() === '...') return END_AFTER;
    if (line.indent < keyIndent && !isBlank(line)) return END_BEFORE;
    if (line.indent === keyIndent) {
      const m = /^([\w.-]+):\s?(.*)$/.exec(body);
      if (m) {
        const value = m[2]!.trim();
        if (/^[|>][-+]?$/.test(value)) {
          this.blockKey = m[1]!;
          this.blockIndent = -1;
          this.blockLines = [];
          this.blockChars = 0;
        } else if (this.fields.size < 50) {
          this.fields.set(m[1]!, unquote(value.slice(0, 4096)));
        }
      }
    }
    return CONTINUE;
  }

  private closeBlockScalar(): void {
    if (this.blockKey !== undefined) this.fields.set(this.blockKey, this.blockLines.join('\n').replace(/\n+$/, ''));
    this.blockKey = undefined;
  }

  finish(emit: Emit): void {
    this.closeBlockScalar();
    const f = this.fields;
    if (f.get('failureType') === 'subtestsFailed') return;
    const [first = '', ...more] = (f.get('error') ?? '').split('\n');
    const name = f.get('name');
    const code = f.get('code');
    // Named as the spec reporter shows the same error: `AssertionError [ERR_ASSERTION]: …`, `Error: …`
    // for a plain Error (TAP leaves its name out), a bare `test failed` for a file that crashed.
    if (name) this.draft.message = `${name}${code === 'ERR_ASSERTION' ? ` [${code}]` : ''}: ${first}`;
    else if (f.get('failureType') === 'testCodeFailure' && first && first !== 'test failed') this.draft.message = `Error: ${first}`;
    else this.draft.message = first || `not ok - ${this.leaf}`;
    for (const extra of more) this.draft.addContext(extra);
    for (const key of ['expected', 'actual', 'operator']) {
      const value = f.get(key);
      if (value !== undefined) this.draft.addContext(`${key}: ${value}`);
    }
    // The TAP reporter strips V8's "    at " from each frame; put it back so the stack is a V8 stack.
    const stack = f.get('stack');
    if (stack) for (const frame of stack.split('\n')) if (frame.trim()) this.draft.addStack(`    at ${frame.trim()}`);
    const location = f.get('location');
    if (location) this.draft.location = parseLocation(location);
    this.draft.kind = kindOf(this.draft.message, 'test-failure');
    emit(this.draft);
  }
}

/** A mocha failure: numbered titles, the message, a diff and the frames. */
export class MochaBlock implements Block {
  private readonly titles: string[] = [];
  private titleDone = false;
  private sawFrame = false;
  private before = 0;

  constructor(
    private readonly draft: ErrorDraft,
    firstTitle: string,
    private readonly probe: Probe,
  ) {
    this.addTitle(firstTitle);
  }

  private addTitle(title: string): void {
    this.titles.push(title.trim());
    if (title.trimEnd().endsWith(':') || this.titles.length >= 12) this.titleDone = true;
  }

  feed(line: Line): Feed {
    const t = line.text;
    if (line.indent === 2 && /^ {2}\d+\) /.test(t)) return END_BEFORE;
    if (!this.titleDone) {
      if (isBlank(line)) return CONTINUE;
      this.addTitle(t);
      return CONTINUE;
    }
    if (this.draft.message === '') {
      if (!isBlank(line)) this.draft.message = t.trim();
      return CONTINUE;
    }
    if (isFrame(line) || (this.sawFrame && isChainMarker(line))) {
      this.draft.addStack(t);
      this.sawFrame = true;
      return CONTINUE;
    }
    if (isBlank(line)) return CONTINUE;
    if (this.sawFrame || ++this.before > 300 || this.probe(line)) return END_BEFORE;
    this.draft.addContext(t);
    return CONTINUE;
  }

  finish(emit: Emit): void {
    const last = this.titles.length - 1;
    this.titles[last] = this.titles[last]!.replace(/:$/, '');
    this.draft.test = this.titles.join(' > ');
    if (this.draft.message === '') this.draft.message = `failed: ${this.draft.test}`;
    this.draft.kind = kindOf(this.draft.message, 'test-failure');
    emit(this.draft);
  }
}
