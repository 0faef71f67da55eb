/**
 * The editor's reading of failed commands (extension/src/error-output.ts): the output tail stays
 * bounded whatever is printed, terminal escapes are removed, Ctrl-C is not a failure, and a command
 * line becomes an argv that means the same.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  DEFAULT_TAIL_CHARS,
  OutputTail,
  cleanTerminalOutput,
  commandArgv,
  failureNotice,
  failureSource,
  formatArgv,
  isFailureExit,
  oneLine,
  resolveTaskVariables,
} from '../../extension/src/error-output.js';

describe('OutputTail', () => {
  it('keeps everything below the bound', () => {
    const tail = new OutputTail(100);
    tail.push('line 1\n');
    tail.push('');
    tail.push('line 2\n');
    expect(tail.text()).toBe('line 1\nline 2\n');
    expect(tail.truncated).toBe(false);
    expect(tail.length).toBe(14);
  });

  it('keeps the last characters and drops the partial first line once over the bound', () => {
    const tail = new OutputTail(20);
    tail.push('aaaaaaaaaa\n');
    tail.push('bbbbbbbbbb\n');
    tail.push('TypeError: x\n');
    expect(tail.length).toBe(20);
    expect(tail.truncated).toBe(true);
    expect(tail.dropped).toBe(15);
    expect(tail.text()).toBe('TypeError: x\n');
  });

  it('takes a single chunk larger than the bound', () => {
    const tail = new OutputTail(8);
    tail.push('0123456789abcdef');
    expect(tail.text()).toBe('89abcdef');
    expect(tail.dropped).toBe(8);
  });

  it('defaults to 2 Mi characters and refuses a bound that is not a positive whole number', () => {
    expect(new OutputTail().maxChars).toBe(DEFAULT_TAIL_CHARS);
    expect(DEFAULT_TAIL_CHARS).toBe(2 * 1024 * 1024);
    expect(() => new OutputTail(0)).toThrow(RangeError);
    expect(() => new OutputTail(1.5)).toThrow(RangeError);
  });

  it('never holds more than its bound and always ends with what was pushed last (any chunks)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.array(fc.string({ maxLength: 40 }), { maxLength: 200 }), (max, chunks) => {
        const tail = new OutputTail(max);
        for (const chunk of chunks) {
          tail.push(chunk);
          expect(tail.length).toBeLessThanOrEqual(max);
        }
        const all = chunks.join('');
        expect(tail.length).toBe(Math.min(max, all.length));
        expect(tail.dropped).toBe(all.length - tail.length);
        const kept = all.slice(all.length - tail.length);
        expect(kept.endsWith(tail.text())).toBe(true);
      }),
    );
  });

  it('stays bounded on a long stream of small chunks (2 Mi bound, 10 MB of output)', () => {
    const tail = new OutputTail();
    const line = `${'x'.repeat(99)}\n`;
    for (let i = 0; i < 100_000; i++) tail.push(line);
    tail.push("TypeError: Cannot read properties of undefined (reading 'host')\n");
    expect(tail.length).toBe(DEFAULT_TAIL_CHARS);
    expect(tail.text().endsWith("(reading 'host')\n")).toBe(true);
    expect(tail.text().startsWith('x')).toBe(true);
  });
});

describe('cleanTerminalOutput', () => {
  it('removes colours, cursor moves, OSC sequences (shell integration, hyperlinks, titles) and CRs', () => {
    const raw = '\u001b]633;C\u0007\u001b[31mTypeError\u001b[0m: boom\r\n    at f (\u001b]8;;file:///x.js\u001b\\x.js\u001b]8;;\u001b\\:1:2)\r\n\u001b]0;title\u0007done\u001b[K\r\n';
    expect(cleanTerminalOutput(raw)).toBe('TypeError: boom\n    at f (x.js:1:2)\ndone\n');
  });

  it('keeps the last drawing of a line redrawn with a bare CR (progress bars)', () => {
    expect(cleanTerminalOutput('10%\r50%\r100%\r\nnext\n')).toBe('100%\nnext\n');
  });

  it('drops other control characters but keeps tabs', () => {
    expect(cleanTerminalOutput('a\u0007b\tc\u0000\n')).toBe('ab\tc\n');
  });
});

describe('isFailureExit', () => {
  it.each([
    [1, true],
    [2, true],
    [127, true],
    [137, true],
    [-1, true],
    [0, false],
    [130, false],
    [148, false],
    [undefined, false],
    [1.5, false],
  ])('exit code %p counts as a failure: %p', (code, expected) => {
    expect(isFailureExit(code)).toBe(expected);
  });
});

describe('commandArgv', () => {
  it('splits a plain command on spaces', () => {
    expect(commandArgv('  node   src/main.js --port=3000 ')).toEqual(['node', 'src/main.js', '--port=3000']);
    expect(commandArgv('npx jest test/a.test.js')).toEqual(['npx', 'jest', 'test/a.test.js']);
  });

  it.each(['npm test && npm run lint', 'node a.js | tee out', "node -e 'x'", 'echo $HOME', 'jest src/*.test.js', 'PORT=1 node a.js', 'cat < in', 'a; b'])('runs %p through sh -c', (line) => {
    expect(commandArgv(line)).toEqual(['sh', '-c', line]);
  });

  it('has no argv for an empty line', () => {
    expect(commandArgv('   ')).toBeUndefined();
  });

  it('shows an argv with quotes where needed', () => {
    expect(formatArgv(['sh', '-c', "node -e 'x'"])).toBe(`sh -c 'node -e '\\''x'\\'''`);
    expect(formatArgv(['node', 'src/main.js'])).toBe('node src/main.js');
  });
});

describe('notices and names', () => {
  it('names the faulting file and line', () => {
    const item = { group: { first: { message: "TypeError: Cannot read properties of undefined (reading 'host')" } }, fault: { file: 'src/server.js', line: 2 } };
    expect(failureNotice(item)).toBe("Orchestra: TypeError: Cannot read properties of undefined (reading 'host') at src/server.js:2");
    expect(failureNotice({ group: item.group }, 'terminal: npm test')).toBe("Orchestra: TypeError: Cannot read properties of undefined (reading 'host') (terminal: npm test)");
  });

  it('flattens and shortens', () => {
    expect(oneLine('a\n  b\tc', 100)).toBe('a b c');
    expect(oneLine('x'.repeat(10), 5)).toBe('xxxx…');
    expect(failureSource('terminal', 'node\nsrc/main.js')).toBe('terminal: node src/main.js');
  });
});

describe('resolveTaskVariables', () => {
  const context = { workspaceFolder: '/work/shop', env: { HOME: '/root' } };
  it('resolves the workspace folder, its name and environment variables', () => {
    expect(resolveTaskVariables('${workspaceFolder}/bin/run ${workspaceFolderBasename} ${env:HOME} ${env:MISSING}.', context)).toEqual({ ok: true, text: '/work/shop/bin/run shop /root .' });
  });

  it('names the first variable only the editor can resolve', () => {
    expect(resolveTaskVariables('node ${file} ${input:x}', context)).toEqual({ ok: false, variable: '${file}' });
  });
});
