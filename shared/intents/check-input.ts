/**
 * The first gate for a typed command, before any grammar runs: type, length, invisible characters
 * and shell characters. Every check is one linear pass, so hostile input costs at most a few
 * microseconds per kilobyte and is refused with a message that says what to fix.
 */

/**
 * Longest command accepted, in UTF-16 units. A command is one sentence; a longer text is refused
 * whole rather than cut, since cutting could change its meaning ("…for src/ and not tests/").
 */
export const MAX_INPUT_CHARS = 2_000;

/** The result of {@link checkInput}: the command, normalised (NFKC, trimmed), or why it is refused. */
export type CheckedInput = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

/** Arrows between steps, in every spelling people type; replaced by `→` before tokenizing. */
export const ARROW_PATTERN = /=>|-{0,2}>|[→⟶➔➜⇒»]/g;

/** Characters that only a shell gives meaning to: no command needs them, so none is accepted. */
const SHELL_CHARACTERS = new Set(['`', '$', ';', '|', '&', '<', '>']);

/**
 * Characters that change how text looks without being seen: C0/C1 controls (but tab, line feed and
 * carriage return, which count as spaces), soft hyphen, bidirectional marks, embeddings, overrides
 * and isolates (the "Trojan Source" characters), zero-width characters, the BOM, interlinear
 * annotations, lone surrogates (broken UTF-16), and Unicode tags and the supplementary variation selectors (used to hide text from
 * a reader, e.g. to smuggle instructions to a language model).
 */
function isInvisible(code: number): boolean {
  if (code === 0x09 || code === 0x0a || code === 0x0d) return false;
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0xad ||
    code === 0x061c ||
    code === 0x180e ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    (code >= 0xd800 && code <= 0xdfff) ||
    code === 0xfeff ||
    (code >= 0xfff9 && code <= 0xfffb) ||
    (code >= 0xe0000 && code <= 0xe007f) ||
    (code >= 0xe0100 && code <= 0xe01ef)
  );
}

/** `U+202E` */
function codePointName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Checks and normalises a command as typed; see the module comment for what is refused. */
export function checkInput(text: unknown): CheckedInput {
  if (typeof text !== 'string') return { ok: false, reason: `Expected the text of a command, got ${text === null ? 'null' : typeof text}.` };
  if (text.length > MAX_INPUT_CHARS) {
    return { ok: false, reason: `The command is too long (${text.length} characters; at most ${MAX_INPUT_CHARS}). Type one command at a time.` };
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    if (isInvisible(code)) {
      return { ok: false, reason: `The command contains an invisible or control character (${codePointName(code)}) at position ${i + 1}; retype it without that character.` };
    }
    if (code > 0xffff) i++;
  }
  // NFKC folds look-alike forms people paste (full-width letters, ligatures, "…") into plain ones.
  const normalized = text.normalize('NFKC').trim();
  if (normalized.length === 0) return { ok: false, reason: 'The command is empty.' };
  if (normalized.length > MAX_INPUT_CHARS) return { ok: false, reason: `The command is too long (at most ${MAX_INPUT_CHARS} characters).` };
  const withoutArrows = normalized.replace(ARROW_PATTERN, ' ');
  for (const char of withoutArrows) {
    if (SHELL_CHARACTERS.has(char)) {
      return { ok: false, reason: `The command contains "${char}", which only a shell gives meaning to; Orchestra commands never run a shell. Paths may hold letters, digits and . _ - / @ + *.` };
    }
  }
  return { ok: true, text: normalized };
}
