/**
 * pytest reports: the `FAILURES` and `ERRORS` sections (a `___ name ___` header per failure, the
 * traceback in pytest's long, short or native style, `E   ` lines with the error, `path:line: Type`
 * locations) and the short test summary (`FAILED id - message`), which repeats the same failures
 * and only counts for those the sections did not show (a run with `--tb=line` or `--tb=no`).
 */
import { CONTINUE, END_BEFORE, isBlank, type Block, type Emit, type Feed, type Line } from './block.js';
import { kindOf, type ErrorDraft } from './error-draft.js';
import type { SourceLocation } from '../types.js';

/** `=== FAILURES ===` and the other section rules: the name between the `=` runs. */
export function pytestSectionName(text: string): string | undefined {
  const m = /^={3,} (.+?) ={3,}$/.exec(text);
  return m?.[1];
}

/** `___ test_name ___`: the failure's header. */
export function pytestHeader(text: string): string | undefined {
  const m = /^_{3,} (.+?) _{3,}$/.exec(text);
  return m?.[1];
}

const LOCATION = /^(\S[^:]*?):(\d+): ?(.*)$/;

/**
 * The key that recognises a failure again in the short summary: the test's name as the header
 * shows it (`TestClass.test_method`, `test_x[1-2]`) or the collected file.
 */
export function pytestKey(header: string): string {
  const collecting = /^ERROR collecting (.+)$/.exec(header);
  if (collecting) return `collect ${collecting[1]}`;
  const phase = /^ERROR at (?:setup|teardown) of (.+)$/.exec(header);
  if (phase) return `error ${phase[1]}`;
  return `test ${header}`;
}

/** One failure of a FAILURES / ERRORS section. */
export class PytestBlock implements Block {
  private firstError: string | undefined;
  private lastException: string | undefined;
  private location: SourceLocation | undefined;
  private firstFile: string | undefined;
  private captured = false;

  constructor(
    private readonly draft: ErrorDraft,
    private readonly header: string,
  ) {}

  feed(line: Line): Feed {
    const t = line.text;
    if (t.startsWith('___') || t.startsWith('===')) {
      if (pytestHeader(t) !== undefined || pytestSectionName(t) !== undefined) return END_BEFORE;
    }
    if (/^-{3,} Captured .* -{3,}$/.test(t)) this.captured = true;
    if (this.captured) {
      this.draft.addContext(t);
      return CONTINUE;
    }
    this.draft.addStack(t);
    if (isBlank(line)) return CONTINUE;
    if (t.charCodeAt(0) === 69 && /^E\s/.test(t)) {
      // E   error line(s): the first is the message, the others go with the context.
      const text = t.replace(/^E\s+/, '');
      if (this.firstError === undefined) this.firstError = text;
      else this.draft.addContext(text);
      return CONTINUE;
    }
    if (line.indent > 0) return CONTINUE;
    const loc = LOCATION.exec(t);
    if (loc && !/^\d/.test(t)) {
      this.location = { file: loc[1]!, line: Number(loc[2]) };
      this.firstFile ??= loc[1]!;
      return CONTINUE;
    }
    if (!t.startsWith('_ _') && !t.startsWith('Traceback') && !/^\w+ = /.test(t)) this.lastException = t.trim();
    return CONTINUE;
  }

  finish(emit: Emit): void {
    const header = this.header;
    this.draft.message = this.firstError ?? this.lastException ?? header;
    if (this.location) this.draft.location = this.location;
    this.draft.dedupeKey = pytestKey(header);
    if (header.startsWith('ERROR collecting ')) {
      this.draft.kind = 'collection-error';
    } else {
      const phase = /^ERROR at (setup|teardown) of (.+)$/.exec(header);
      const name = phase ? phase[2]! : header;
      // Node id: file::Class::test (the header writes Class.test; brackets hold parameters).
      this.draft.test = this.firstFile ? `${this.firstFile}::${name.replace(/\.(?![^[]*\])/g, '::')}` : name;
      this.draft.kind = phase ? `${phase[1]}-error` : this.draft.message.startsWith('assert ') ? 'assertion' : kindOf(this.draft.message, 'test-failure');
    }
    emit(this.draft);
  }
}

/** A short-summary line: `FAILED test_x.py::test_y - msg` or `ERROR test_x.py - msg`. */
export interface PytestSummaryLine {
  outcome: 'FAILED' | 'ERROR';
  id: string;
  message: string | undefined;
  /** The {@link pytestKey} of the section's failure this line repeats. */
  key: string;
}

export function parsePytestSummary(text: string): PytestSummaryLine | undefined {
  const m = /^(FAILED|ERROR) (\S.*?)(?: - (.*))?$/.exec(text);
  if (!m) return undefined;
  const outcome = m[1] as 'FAILED' | 'ERROR';
  const id = m[2]!;
  const sep = id.indexOf('::');
  const name = sep === -1 ? undefined : id.slice(sep + 2).replace(/::/g, '.');
  const key = outcome === 'FAILED' ? `test ${name ?? id}` : name === undefined ? `collect ${id}` : `error ${name}`;
  return { outcome, id, message: m[3], key };
}
