/**
 * jest and vitest failure reports.
 * - jest: `  ● suite › test` then the body indented by 4: the message, the expected/received diff,
 *   a code frame, `at` frames, and `Cause:` parts; `● Console` blocks of passing tests are skipped.
 * - vitest: ` FAIL  file > suite > test` (several when they failed alike), the error's first line
 *   unindented, the diff, `❯` frames with code frames, up to the `⎯⎯⎯` separator.
 */
import { CONTINUE, END_AFTER, END_BEFORE, isBlank, type Block, type Emit, type Feed, type Line } from './block.js';
import { kindOf, type ErrorDraft } from './error-draft.js';
import { isChainMarker, isFrame, parseHeader } from './stack-blocks.js';

/** `  3 | code`, `> 5 | code`, `    |    ^` (jest) and `  5| code`, `   |  ^` (vitest). */
const CODE_FRAME = /^\s*(?:>\s*)?\d*\s?\|/;

/** A jest `●` block: everything indented by at least 4 that follows. */
export class JestBlock implements Block {
  private seenBody = false;
  private sawFrame = false;
  private errorLine: string | undefined;

  /** `suiteError`: "Test suite failed to run", whose telling line is the error inside the body. */
  constructor(
    private readonly draft: ErrorDraft,
    private readonly suiteError: boolean,
  ) {}

  feed(line: Line): Feed {
    if (!isBlank(line) && line.indent < 4) return END_BEFORE;
    const t = line.text;
    if (isBlank(line)) {
      if (this.seenBody && !this.sawFrame) this.draft.addContext('');
      return CONTINUE;
    }
    if (!this.seenBody) {
      this.draft.message = t.trim();
      this.seenBody = true;
      return CONTINUE;
    }
    if (isFrame(line)) {
      this.draft.addStack(t);
      this.sawFrame = true;
      return CONTINUE;
    }
    if (this.sawFrame) {
      // After the frames: `Cause:` and the cause's message and frames; code frames are not stack.
      if (!CODE_FRAME.test(t)) this.draft.addStack(t);
      return CONTINUE;
    }
    if (this.suiteError && this.errorLine === undefined && parseHeader(t, line.indent)) this.errorLine = t.trim();
    this.draft.addContext(t);
    return CONTINUE;
  }

  finish(emit: Emit): void {
    if (this.errorLine) this.draft.message = this.errorLine;
    this.draft.kind = this.suiteError ? 'suite-error' : kindOf(this.draft.message, 'test-failure');
    if (this.draft.test) this.draft.dedupeKey = `${this.draft.test}\u0000${this.draft.message}`;
    emit(this.draft);
  }
}

/** Output to skip: a jest `● Console` block or a `console.log` block of a passing test. */
export class SkipBlock implements Block {
  constructor(private readonly minIndent: number) {}

  feed(line: Line): Feed {
    return isBlank(line) || line.indent >= this.minIndent ? CONTINUE : END_BEFORE;
  }

  finish(): void {}
}

/** A vitest failure from its "Failed Tests" or "Unhandled Errors" report. */
export class VitestBlock implements Block {
  private readonly tests: (string | undefined)[] = [];
  private lines = 0;

  constructor(
    private readonly draft: ErrorDraft,
    test: string | undefined,
  ) {
    this.tests.push(test);
  }

  feed(line: Line): Feed {
    const t = line.text;
    const body = line.indent > 0 ? t.slice(line.indent) : t;
    if (body.startsWith('⎯')) return END_AFTER;
    if (line.indent <= 1 && body.startsWith('FAIL ')) {
      if (this.draft.message !== '') return END_BEFORE;
      // Tests that failed with the same error are listed together above it.
      if (this.tests.length < 100) this.tests.push(vitestTest(body));
      return CONTINUE;
    }
    if (body.startsWith('Test Files ') || ++this.lines > 3000) return END_BEFORE;
    if (this.draft.message === '') {
      if (!isBlank(line)) this.draft.message = body.trimEnd();
      return CONTINUE;
    }
    if (isFrame(line) || isChainMarker(line)) this.draft.addStack(t);
    else this.draft.addContext(t);
    return CONTINUE;
  }

  finish(emit: Emit): void {
    for (const test of this.tests) {
      this.draft.test = test;
      this.draft.kind = test === undefined ? 'suite-error' : kindOf(this.draft.message, 'test-failure');
      emit(this.draft);
    }
  }
}

/** The test of a vitest `FAIL  file > suite > test` line; undefined for a file-level failure. */
export function vitestTest(failLine: string): string | undefined {
  const rest = failLine.slice(4).trim();
  const sep = rest.indexOf(' > ');
  return sep === -1 ? undefined : rest.slice(sep + 3).trim();
}
