/**
 * A cheap, conservative estimate of how deeply a YAML (or JSON) text nests, computed before the
 * text reaches the `yaml` parser. That parser recurses once per level: a hostile file such as
 * `? ? ? …` fifty thousand times deep makes V8 abort the whole process while compiling a regular
 * expression near the stack limit (a fatal "RegExpCompiler Allocation failed", not a catchable
 * RangeError). A config file must never be able to kill the GitHub App, so depth is checked here.
 */

/** Block indicators that open a nested node on the same line: `- `, `? `, `: `. */
const COMPACT_INDICATOR = /[-?:][ \t]+/y;

/**
 * The deepest nesting the text may reach: the open flow brackets (`[`, `{`, counted even inside
 * quotes, so the estimate errs high) plus the compact block indicators at the start of a line.
 * Indentation-based nesting is bounded by the file size limit and not counted.
 */
export function textNestingDepth(text: string): number {
  let max = 0;
  let flow = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    if (lineStart) {
      lineStart = false;
      while (text[i] === ' ' || text[i] === '\t') i++;
      let compact = 0;
      COMPACT_INDICATOR.lastIndex = i;
      while (COMPACT_INDICATOR.test(text)) {
        compact++;
        i = COMPACT_INDICATOR.lastIndex;
      }
      max = Math.max(max, flow + compact);
      if (i >= text.length) break;
    }
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) max = Math.max(max, ++flow);
    else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
    else if (c === 0x0a) lineStart = true;
  }
  return max;
}
