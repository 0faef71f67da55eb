import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isErrorNamed } from '../../../../shared/errors/errors.js';
import { parseXml, textOf, type XmlElement } from '../../../../agents/review/tests/parse-xml.js';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('parseXml', () => {
  it('reads elements, attributes, text, CDATA and the predefined and numeric entities', () => {
    const root = parseXml(
      `<?xml version="1.0"?>\n<!-- c --><a x="1 &lt; 2" y='q&quot;'><b>t &amp; u&#10;&#x41;</b><![CDATA[<raw & stuff>]]><c/></a>`,
      'r.xml',
    );
    expect(root.name).toBe('a');
    expect(root.attributes).toEqual({ x: '1 < 2', y: 'q"' });
    const b = root.children[0] as XmlElement;
    expect(textOf(b)).toBe('t & u\nA');
    expect(root.children[1]).toBe('<raw & stuff>');
    expect((root.children[2] as XmlElement).name).toBe('c');
  });

  it.each([
    ['a DOCTYPE with entities (billion laughs)', '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>', /DOCTYPE.*not allowed/],
    ['an external entity', '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', /not allowed/],
    ['an unknown entity', '<a>&nbsp;</a>', /unknown entity '&nbsp;'/],
    ['a bare ampersand', '<a>fish & chips</a>', /write &amp;/],
    ['binary junk', '<a>\u0000\u0001\u0002</a>', /control character U\+0000/],
    ['a truncated document', '<testsuites><testsuite name="x"><testcase name="a">', /ends inside <testcase>/],
    ['mismatched tags', '<a><b></a></b>', /<\/a>.*does not match <b>/],
    ['an unquoted attribute', '<a x=1/>', /must be quoted/],
    ['a duplicate attribute', '<a x="1" x="2"/>', /duplicate attribute 'x'/],
    ['two roots', '<a/><b/>', /second root element <b>/],
    ['an empty input', '   ', /no root element/],
    ['text outside the root', 'hello <a/>', /text outside the root/],
    ['an invalid character reference', '<a>&#0;</a>', /invalid character reference/],
  ])('refuses %s with a clear InvalidInputError', (_what, text, message) => {
    const error = errorOf(() => parseXml(text, 'report.xml'));
    expect(isErrorNamed(error, 'InvalidInputError')).toBe(true);
    expect(error.message).toMatch(/^Malformed XML in report\.xml: /);
    expect(error.message).toMatch(message);
  });

  it('refuses nesting past the depth limit without overflowing the stack', () => {
    const depth = 100_000;
    const text = '<a>'.repeat(depth) + '</a>'.repeat(depth);
    expect(() => parseXml(text, 'deep.xml')).toThrow(/nested deeper than 256/);
  });

  it('refuses inputs over the size and element limits', () => {
    expect(() => parseXml('<a>' + 'x'.repeat(200) + '</a>', 'big.xml', { maxLength: 100 })).toThrow(/more than the limit of 100/);
    expect(() => parseXml('<a>' + '<b/>'.repeat(50) + '</a>', 'many.xml', { maxElements: 10 })).toThrow(/more than 10 elements/);
  });

  it('throws only InvalidInputError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom('<', '>', '/', 'a', '"', '=', ' ', '&', ';', '!', '[', '?', '-') })), (text) => {
        try {
          parseXml(text, 'fuzz.xml');
        } catch (error) {
          expect(isErrorNamed(error, 'InvalidInputError')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
