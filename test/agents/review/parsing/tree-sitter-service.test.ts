import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CancelledError, InvalidInputError } from '../../../../shared/errors/errors.js';
import { defaultWasmPaths, detectLanguage, liftTree, loadTreeSitter, TreeSitterService } from '../../../../agents/review/parsing/index.js';

describe('detectLanguage', () => {
  it('maps every supported extension, case-insensitively', () => {
    expect(['a.js', 'b.mjs', 'c.cjs', 'd.jsx'].map(detectLanguage)).toEqual(['javascript', 'javascript', 'javascript', 'javascript']);
    expect(['a.ts', 'b.mts', 'c.cts', 'types.d.ts'].map(detectLanguage)).toEqual(['typescript', 'typescript', 'typescript', 'typescript']);
    expect(detectLanguage('src/App.TSX')).toBe('tsx');
    expect(detectLanguage('C:\\work\\tool.py')).toBe('python');
    expect(detectLanguage('package.json')).toBe('json');
  });

  it('returns undefined for files it has no grammar for', () => {
    expect(detectLanguage('README.md')).toBeUndefined();
    expect(detectLanguage('Makefile')).toBeUndefined();
    expect(detectLanguage('dir.js/notes')).toBeUndefined();
  });
});

describe('TreeSitterService', () => {
  let service: TreeSitterService;
  beforeAll(async () => {
    service = await TreeSitterService.create({ paths: defaultWasmPaths() });
  });
  afterAll(() => service.dispose());

  it('parses every language with the grammar packages\' own wasm files', () => {
    const samples = { javascript: 'const a = 1;', typescript: 'let x: number = 1;', tsx: 'const e = <div a={1} />;', python: 'def f(x):\n    return x\n', json: '{"a": [1, 2]}' } as const;
    for (const [lang, text] of Object.entries(samples)) {
      const tree = service.parse(lang as keyof typeof samples, text);
      expect(tree.rootNode.hasError).toBe(false);
      tree.delete();
    }
  });

  it('keeps one parser per language', () => {
    expect(service.getParser('javascript')).toBe(service.getParser('javascript'));
    expect(service.getParser('javascript')).not.toBe(service.getParser('python'));
  });

  it('compiles a query once and returns the cached one', () => {
    const before = service.queryCount;
    const q1 = service.getQuery('javascript', '(call_expression function: (identifier) @fn)');
    const q2 = service.getQuery('javascript', '(call_expression function: (identifier) @fn)');
    expect(q2).toBe(q1);
    expect(service.queryCount).toBe(before + 1);
    const tree = service.parse('javascript', 'eval(x); foo(1);');
    expect(q1.captures(tree.rootNode).map((c) => c.node.text)).toEqual(['eval', 'foo']);
    tree.delete();
  });

  it('rejects a bad query with a message naming the language', () => {
    expect(() => service.getQuery('python', '(no_such_node) @x')).toThrow(InvalidInputError);
    expect(() => service.getQuery('python', '(no_such_node) @x')).toThrow(/python/);
  });

  it('stops a parse when the signal has fired', () => {
    const controller = new AbortController();
    controller.abort();
    expect(() => service.parse('javascript', 'a;', { signal: controller.signal })).toThrow(CancelledError);
  });

  it('says which grammar path is missing', async () => {
    const paths = defaultWasmPaths();
    const partial = await TreeSitterService.create({ paths: { runtime: paths.runtime, languages: { javascript: paths.languages.javascript! } } });
    try {
      expect(partial.hasLanguage('javascript')).toBe(true);
      await expect(partial.ensureLanguage('python')).rejects.toThrow(/WasmPaths\.languages\.python/);
      expect(() => partial.getParser('python')).toThrow(InvalidInputError);
    } finally {
      partial.dispose();
    }
  });

  it('reports a grammar file that cannot be loaded', async () => {
    const paths = defaultWasmPaths();
    await expect(TreeSitterService.create({ paths: { runtime: paths.runtime, languages: { json: '/nonexistent/grammar.wasm' } } })).rejects.toThrow(/json grammar from \/nonexistent\/grammar\.wasm/);
  });

  it('refuses work after dispose', async () => {
    const s = await TreeSitterService.create({ paths: defaultWasmPaths(), languages: ['json'] });
    s.getQuery('json', '(pair) @p');
    expect(s.queryCount).toBe(1);
    s.dispose();
    expect(s.queryCount).toBe(0);
    expect(() => s.getParser('json')).toThrow(/disposed/);
  });

  it('shares one process-wide service through loadTreeSitter', async () => {
    const a = await loadTreeSitter();
    const b = await loadTreeSitter();
    expect(a).toBe(b);
  });
});

describe('liftTree', () => {
  let service: TreeSitterService;
  beforeAll(async () => {
    service = await TreeSitterService.create({ paths: defaultWasmPaths(), languages: ['javascript'] });
  });
  afterAll(() => service.dispose());

  it('keeps UTF-16 offsets, so node text is a slice of the source even after non-ASCII text', () => {
    const text = 'const ü = "日本😀"; // ünïcode\neval(x);\n';
    const tree = service.parse('javascript', text);
    const lifted = liftTree(tree, text);
    tree.delete();
    const find = (type: string) => {
      const stack = [lifted.root];
      while (stack.length) {
        const n = stack.pop()!;
        if (n.type === type) return n;
        stack.push(...n.children);
      }
      return undefined;
    };
    const call = find('call_expression')!;
    expect(lifted.text(call)).toBe('eval(x)');
    expect(lifted.position(call.start)).toEqual({ line: 2, column: 1 });
    expect(lifted.lineText(2)).toBe('eval(x);');
    expect(find('comment')).toBeUndefined();
    expect(find('(')).toBeUndefined();
  });

  it('caps depth on 10,000-level nesting and says it did', () => {
    const text = `x = ${'['.repeat(10_000)}${']'.repeat(10_000)};`;
    const tree = service.parse('javascript', text);
    const lifted = liftTree(tree, text, { maxDepth: 500 });
    tree.delete();
    expect(lifted.truncated).toBe(true);
    let depth = 0;
    for (let n = lifted.root; n.children.length > 0; n = n.children[0]!) depth++;
    expect(depth).toBeLessThanOrEqual(500);
  });
});
