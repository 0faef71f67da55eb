import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { analyzeComplexity } from '../../../../agents/review/complexity/complexity-findings.js';
import { hotspotFindings, hotspots, gitChurn } from '../../../../agents/review/complexity/churn-hotspots.js';
import { measureComplexity } from '../../../../agents/review/complexity/measure-complexity.js';
import { liftTree, loadTreeSitter, type LanguageId, type TreeSitterService } from '../../../../agents/review/parsing/index.js';
import { makeRepo } from '../../../helpers/git-repo.js';

let ts: TreeSitterService;
beforeAll(async () => {
  ts = await loadTreeSitter();
});
afterAll(() => undefined);

function lift(lang: LanguageId, text: string) {
  const tree = ts.parse(lang, text);
  try {
    return liftTree(tree, text);
  } finally {
    tree.delete();
  }
}

describe('cognitive complexity (SonarSource specification examples)', () => {
  it('sumOfPrimes is 7 and getWords is 1', () => {
    const text = `
function sumOfPrimes(max) {
  let total = 0;
  OUT: for (let i = 1; i <= max; ++i) {
    for (let j = 2; j < i; ++j) {
      if (i % j == 0) {
        continue OUT;
      }
    }
    total += i;
  }
  return total;
}
function getWords(number) {
  switch (number) {
    case 1: return "one";
    case 2: return "a couple";
    case 3: return "a few";
    default: return "lots";
  }
}`;
    const fns = measureComplexity(lift('javascript', text));
    expect(fns.map((f) => [f.name, f.cognitive])).toEqual([
      ['sumOfPrimes', 7],
      ['getWords', 1],
    ]);
    expect(fns.map((f) => [f.name, f.cyclomatic])).toEqual([
      ['sumOfPrimes', 4],
      ['getWords', 4],
    ]);
    expect(fns[0]!.maxNesting).toBe(3);
  });

  it('else-if chains, boolean operator runs and nested functions', () => {
    const text = `
const f = (a, b, c) => {
  if (a && b && c || a) {          // +1, +2 (two runs)
    return 1;
  } else if (b) {                  // +1
    return items.map((x) => {      // nested function measured on its own
      if (x) { return 2; }
    });
  } else {                         // +1
    return 3;
  }
};`;
    const fns = measureComplexity(lift('javascript', text));
    expect(fns[0]).toMatchObject({ name: 'f', cognitive: 5, cyclomatic: 6 });
    expect(fns[1]).toMatchObject({ cognitive: 3 });
  });

  it('python functions', () => {
    const text = ['def f(x):', '    if x and y:', '        for i in x:', '            if i:', '                pass', '    elif z:', '        pass', '    else:', '        pass', ''].join('\n');
    const [fn] = measureComplexity(lift('python', text));
    // if +1, and +1, for +2 (nesting 1), inner if +3 (nesting 2), elif +1, else +1
    expect(fn).toMatchObject({ name: 'f', cognitive: 9, maxNesting: 3 });
    expect(fn!.cyclomatic).toBe(6);
  });
});

describe('cyclomatic complexity agrees with ESLint on real code', () => {
  it.each(['picomatch/lib/parse.js', 'eslint/lib/rules/indent.js', 'eslint/lib/rules/no-unused-vars.js', 'eslint/lib/linter/linter.js'])('%s', async (mod) => {
    // Package exports forbid deep imports, so read the installed file by path.
    const file = join(dirname(createRequire(import.meta.url).resolve('eslint')), '..', '..', mod);
    const text = readFileSync(file, 'utf8');
    const eslint = new ESLint({
      overrideConfigFile: true,
      overrideConfig: { languageOptions: { ecmaVersion: 'latest', sourceType: 'commonjs' }, rules: { complexity: ['error', 0] } },
    });
    const [result] = await eslint.lintText(text, { filePath: 'x.cjs' });
    const eslintByLine = new Map<number, number[]>();
    for (const m of result!.messages) {
      const n = /complexity of (\d+)/.exec(m.message);
      if (n) eslintByLine.set(m.line, [...(eslintByLine.get(m.line) ?? []), Number(n[1])]);
    }
    const tree = lift('javascript', text);
    const ours = measureComplexity(tree);
    let compared = 0;
    let agree = 0;
    for (const fn of ours) {
      const line = tree.position(fn.start).line;
      const theirs = eslintByLine.get(line);
      if (!theirs || theirs.length !== 1) continue;
      compared++;
      if (theirs[0] === fn.cyclomatic) agree++;
    }
    expect(compared).toBeGreaterThan(10);
    expect(agree / compared).toBeGreaterThanOrEqual(0.95);
  });
});

describe('complexity findings and hotspots', () => {
  it('reports only functions above the thresholds, anchored on the name', () => {
    const branches = Array.from({ length: 25 }, (_, i) => `  if (x === ${i}) return ${i};`).join('\n');
    const text = `function small() { return 1; }\nfunction big(x) {\n${branches}\n}\n`;
    const { findings } = analyzeComplexity('src/big.js', lift('javascript', text));
    expect(findings.map((f) => f.ruleId).sort()).toEqual(['complexity/cognitive', 'complexity/cyclomatic']);
    expect(findings[0]!.range.start).toEqual({ line: 2, column: 10 });
    expect(findings.find((f) => f.ruleId === 'complexity/cyclomatic')!.message).toBe('Function big has a cyclomatic complexity of 26 (threshold 20).');
  });

  it('fingerprints survive code added above', () => {
    const branches = Array.from({ length: 25 }, (_, i) => `  if (x === ${i}) return ${i};`).join('\n');
    const text = `function big(x) {\n${branches}\n}\n`;
    const a = analyzeComplexity('a.js', lift('javascript', text)).findings.map((f) => f.fingerprint);
    const b = analyzeComplexity('a.js', lift('javascript', `// header\n\nconst y = 2;\n${text}`)).findings.map((f) => f.fingerprint);
    expect(b).toEqual(a);
  });

  it('churn from real git history makes a hotspot', async () => {
    const repo = makeRepo();
    try {
      for (let i = 0; i < 5; i++) {
        repo.write('hot.js', `// v${i}\n`);
        repo.write(i === 0 ? 'cold.js' : 'other.md', `${i}\n`);
        repo.commit(`change ${i}`);
      }
      const churn = await gitChurn(repo.dir);
      expect(churn.get('hot.js')).toBe(5);
      expect(churn.get('cold.js')).toBe(1);
      const spots = hotspots(new Map([['hot.js', 40], ['cold.js', 40], ['calm.js', 2]]), churn);
      expect(spots[0]).toMatchObject({ file: 'hot.js', risk: 1 });
      expect(hotspotFindings(spots).map((f) => f.file)).toEqual(['hot.js']);
    } finally {
      repo.cleanup();
    }
  });
});
