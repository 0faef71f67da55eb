/**
 * A small parser for ECMAScript regular expressions (and the common subset Python shares), enough
 * for the ReDoS analysis: sequences, alternations, groups, quantifiers, anchors, and character sets
 * approximated as an ASCII bitmap plus a "some non-ASCII character" flag.
 */

/** A set of characters: 128 ASCII bits plus sorted, merged ranges of non-ASCII code points. */
export class CharSet {
  readonly bits = new Uint32Array(4);
  /** Non-ASCII ranges [from, to], inclusive. */
  ranges: [number, number][] = [];

  /** Adds one code point (with its other case when `ignoreCase`). */
  add(cp: number, ignoreCase = false): this {
    if (cp < 128) {
      this.bits[cp >> 5]! |= 1 << (cp & 31);
      if (ignoreCase) {
        if (cp >= 65 && cp <= 90) this.add(cp + 32);
        else if (cp >= 97 && cp <= 122) this.add(cp - 32);
      }
    } else this.addHigh(cp, cp);
    return this;
  }

  /** Adds an inclusive range. */
  addRange(from: number, to: number, ignoreCase = false): this {
    for (let cp = from; cp <= Math.min(to, 127); cp++) this.add(cp, ignoreCase);
    if (to >= 128) this.addHigh(Math.max(from, 128), to);
    return this;
  }

  private addHigh(from: number, to: number): void {
    this.ranges.push([from, to]);
    this.ranges.sort((x, y) => x[0] - y[0]);
    const merged: [number, number][] = [];
    for (const r of this.ranges) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    }
    this.ranges = merged;
  }

  /** Adds every member of another set. */
  addSet(other: CharSet): this {
    for (let i = 0; i < 4; i++) this.bits[i]! |= other.bits[i]!;
    for (const [f, t] of other.ranges) this.addHigh(f, t);
    return this;
  }

  /** The complement. */
  negate(): CharSet {
    const out = new CharSet();
    for (let i = 0; i < 4; i++) out.bits[i] = ~this.bits[i]! >>> 0;
    let next = 128;
    for (const [f, t] of this.ranges) {
      if (f > next) out.ranges.push([next, f - 1]);
      next = t + 1;
    }
    if (next <= 0x10ffff) out.ranges.push([next, 0x10ffff]);
    return out;
  }

  /** True when the sets share a character. */
  overlaps(other: CharSet): boolean {
    for (let i = 0; i < 4; i++) if ((this.bits[i]! & other.bits[i]!) !== 0) return true;
    let j = 0;
    for (const [f, t] of this.ranges) {
      while (j < other.ranges.length && other.ranges[j]![1] < f) j++;
      if (j < other.ranges.length && other.ranges[j]![0] <= t) return true;
    }
    return false;
  }

  /** True when every member of this set is in `other`. */
  subsetOf(other: CharSet): boolean {
    for (let i = 0; i < 4; i++) if ((this.bits[i]! & ~other.bits[i]!) !== 0) return false;
    return this.ranges.every(([f, t]) => other.ranges.some(([of, ot]) => of <= f && t <= ot));
  }

  /** True when the set is empty. */
  get empty(): boolean {
    return this.ranges.length === 0 && this.bits.every((b) => b === 0);
  }
}

/** A parsed regex node. */
export type RegexNode =
  | { t: 'alt'; alts: RegexNode[] }
  | { t: 'seq'; items: RegexNode[] }
  | { t: 'char'; set: CharSet }
  | { t: 'quant'; body: RegexNode; min: number; max: number; lazy: boolean }
  | { t: 'group'; body: RegexNode }
  | { t: 'assert'; kind: 'start' | 'end' | 'boundary' | 'look' }
  | { t: 'backref' };

/** Flags that change matching. */
export interface RegexFlags {
  ignoreCase: boolean;
  dotAll: boolean;
  multiline: boolean;
  unicode: boolean;
}

const digit = (): CharSet => new CharSet().addRange(48, 57);
const word = (): CharSet => new CharSet().addRange(48, 57).addRange(65, 90).addRange(97, 122).add(95);
const space = (): CharSet => {
  const s = new CharSet();
  for (const cp of [9, 10, 11, 12, 13, 32, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]) s.add(cp);
  s.addRange(0x2000, 0x200a);
  return s;
};

/** Thrown for syntax this parser does not understand; the analysis then skips the pattern. */
export class RegexSyntaxError extends Error {
  override readonly name = 'RegexSyntaxError';
}

/** Parses a pattern. Throws {@link RegexSyntaxError} on unsupported or invalid syntax. */
export function parseRegex(pattern: string, flags: RegexFlags): RegexNode {
  let i = 0;
  const ic = flags.ignoreCase;

  const parseAlt = (): RegexNode => {
    const alts: RegexNode[] = [parseSeq()];
    while (pattern[i] === '|') {
      i++;
      alts.push(parseSeq());
    }
    return alts.length === 1 ? alts[0]! : { t: 'alt', alts };
  };

  const parseSeq = (): RegexNode => {
    const items: RegexNode[] = [];
    while (i < pattern.length && pattern[i] !== '|' && pattern[i] !== ')') {
      const atom = parseAtom();
      items.push(parseQuantifier(atom));
    }
    return { t: 'seq', items };
  };

  const parseQuantifier = (atom: RegexNode): RegexNode => {
    let node = atom;
    for (;;) {
      const c = pattern[i];
      let min: number;
      let max: number;
      if (c === '*') [min, max] = [0, Infinity];
      else if (c === '+') [min, max] = [1, Infinity];
      else if (c === '?') [min, max] = [0, 1];
      else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
        if (!m) return node;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        i += m[0].length - 1;
      } else return node;
      i++;
      let lazy = false;
      if (pattern[i] === '?') {
        lazy = true;
        i++;
      }
      if (atom.t === 'assert') return node;
      node = { t: 'quant', body: node, min, max, lazy };
    }
  };

  const parseEscape = (inClass: boolean): CharSet | RegexNode => {
    const c = pattern[i++];
    switch (c) {
      case 'd': return digit();
      case 'D': return digit().negate();
      case 'w': return word();
      case 'W': return word().negate();
      case 's': return space();
      case 'S': return space().negate();
      case 'n': return new CharSet().add(10);
      case 'r': return new CharSet().add(13);
      case 't': return new CharSet().add(9);
      case 'v': return new CharSet().add(11);
      case 'f': return new CharSet().add(12);
      case '0': return new CharSet().add(0);
      case 'b': return inClass ? new CharSet().add(8) : { t: 'assert', kind: 'boundary' };
      case 'B': return { t: 'assert', kind: 'boundary' };
      case 'c': return new CharSet().add((pattern.charCodeAt(i++) || 64) % 32);
      case 'x': {
        const h = pattern.slice(i, i + 2);
        if (/^[0-9a-fA-F]{2}$/.test(h)) {
          i += 2;
          return new CharSet().add(parseInt(h, 16), ic);
        }
        return new CharSet().add(120);
      }
      case 'u': {
        const m = /^(\{[0-9a-fA-F]+\}|[0-9a-fA-F]{4})/.exec(pattern.slice(i));
        if (m) {
          i += m[0].length;
          return new CharSet().add(parseInt(m[0].replace(/[{}]/g, ''), 16), ic);
        }
        return new CharSet().add(117);
      }
      case 'p':
      case 'P': {
        const m = /^\{[^}]*\}/.exec(pattern.slice(i));
        if (m) i += m[0].length;
        // a Unicode property: approximate as letters of every script
        const s = new CharSet().addRange(65, 90).addRange(97, 122).addRange(0xaa, 0x10ffff);
        return c === 'P' ? s.negate() : s;
      }
      case 'k': {
        const m = /^<[^>]*>/.exec(pattern.slice(i));
        if (m) i += m[0].length;
        return { t: 'backref' };
      }
      case undefined:
        throw new RegexSyntaxError('pattern ends with a backslash');
      default:
        if (/[1-9]/.test(c) && !inClass) {
          while (/[0-9]/.test(pattern[i] ?? '')) i++;
          return { t: 'backref' };
        }
        return new CharSet().add(c.codePointAt(0)!, ic);
    }
  };

  const parseClass = (): CharSet => {
    // after '['
    let negate = false;
    if (pattern[i] === '^') {
      negate = true;
      i++;
    }
    const set = new CharSet();
    while (i < pattern.length && pattern[i] !== ']') {
      let from: CharSet | number;
      if (pattern[i] === '\\') {
        i++;
        const e = parseEscape(true);
        if (!(e instanceof CharSet)) continue;
        from = e;
      } else if (pattern[i] === '[' && flags.unicode) {
        i++;
        from = parseClass();
      } else {
        from = pattern.codePointAt(i)!;
        i += from > 0xffff ? 2 : 1;
      }
      if (typeof from === 'number' && pattern[i] === '-' && pattern[i + 1] !== ']' && i + 1 < pattern.length) {
        i++;
        let to: number;
        if (pattern[i] === '\\') {
          i++;
          const e = parseEscape(true);
          if (!(e instanceof CharSet)) continue;
          // a range ending in a class escape is a literal '-' in annex B: approximate as both
          set.add(from, ic).add(45).addSet(e);
          continue;
        } else {
          to = pattern.codePointAt(i)!;
          i += to > 0xffff ? 2 : 1;
        }
        set.addRange(Math.min(from, to), Math.max(from, to), ic);
      } else if (typeof from === 'number') set.add(from, ic);
      else set.addSet(from);
    }
    if (pattern[i] !== ']') throw new RegexSyntaxError('unterminated character class');
    i++;
    return negate ? set.negate() : set;
  };

  const parseAtom = (): RegexNode => {
    const c = pattern[i];
    switch (c) {
      case '^':
        i++;
        return { t: 'assert', kind: 'start' };
      case '$':
        i++;
        return { t: 'assert', kind: 'end' };
      case '.': {
        i++;
        const s = new CharSet().negate();
        if (!flags.dotAll) {
          const nl = new CharSet().add(10).add(13);
          for (let k = 0; k < 4; k++) s.bits[k]! &= ~nl.bits[k]! >>> 0;
        }
        return { t: 'char', set: s };
      }
      case '[':
        i++;
        return { t: 'char', set: parseClass() };
      case '\\': {
        i++;
        const e = parseEscape(false);
        return e instanceof CharSet ? { t: 'char', set: e } : e;
      }
      case '(': {
        i++;
        let look = false;
        if (pattern[i] === '?') {
          const rest = pattern.slice(i, i + 4);
          if (rest.startsWith('?:')) i += 2;
          else if (rest.startsWith('?=') || rest.startsWith('?!')) [i, look] = [i + 2, true];
          else if (rest.startsWith('?<=') || rest.startsWith('?<!')) [i, look] = [i + 3, true];
          else if (rest.startsWith('?<')) {
            const end = pattern.indexOf('>', i);
            if (end < 0) throw new RegexSyntaxError('unterminated group name');
            i = end + 1;
          } else if (rest.startsWith('?P<')) {
            const end = pattern.indexOf('>', i);
            if (end < 0) throw new RegexSyntaxError('unterminated group name');
            i = end + 1;
          } else throw new RegexSyntaxError(`unsupported group ${rest}`);
        }
        const body = parseAlt();
        if (pattern[i] !== ')') throw new RegexSyntaxError('unterminated group');
        i++;
        return look ? { t: 'assert', kind: 'look' } : { t: 'group', body };
      }
      case ')':
        throw new RegexSyntaxError('unbalanced )');
      default: {
        const cp = pattern.codePointAt(i)!;
        i += cp > 0xffff ? 2 : 1;
        return { t: 'char', set: new CharSet().add(cp, ic) };
      }
    }
  };

  const node = parseAlt();
  if (i < pattern.length) throw new RegexSyntaxError(`unexpected ${pattern[i]} at ${i}`);
  return node;
}
