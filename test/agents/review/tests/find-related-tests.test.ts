import { afterEach, describe, expect, it } from '@jest/globals';
import { findRelatedTests, listTestFiles } from '../../../../agents/review/tests/find-related-tests.js';
import { tempProject } from './temp-project.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((d) => d()));
});
async function project(files: Record<string, string>): Promise<string> {
  const p = await tempProject(files);
  cleanups.push(p.dispose);
  return p.root;
}

describe('findRelatedTests', () => {
  it('JS: matches tests named after the changed file or importing it, and changed tests themselves', async () => {
    const root = await project({
      'src/sum.js': 'module.exports = (a, b) => a + b;',
      'src/util/index.js': 'export const x = 1;',
      'src/other.js': '',
      'src/sum.test.js': "require('./sum')",
      'test/uses-sum.test.mjs': "import sum from '../src/sum.js';",
      'test/uses-util.spec.ts': "import { x } from '../src/util';",
      'test/unrelated.test.js': "import other from '../src/other.js';",
      'test/edited.test.js': '',
      'node_modules/dep/sum.test.js': '',
      '.hidden/sum.test.js': '',
    });
    const tests = await listTestFiles(root, 'js');
    expect(tests).toEqual(['src/sum.test.js', 'test/edited.test.js', 'test/unrelated.test.js', 'test/uses-sum.test.mjs', 'test/uses-util.spec.ts']);
    expect(await findRelatedTests(root, ['src/sum.js'], tests, 'js')).toEqual(['src/sum.test.js', 'test/uses-sum.test.mjs']);
    expect(await findRelatedTests(root, ['src/util/index.js', 'test/edited.test.js'], tests, 'js')).toEqual(['test/edited.test.js', 'test/uses-util.spec.ts']);
    expect(await findRelatedTests(root, ['src/nothing.js'], tests, 'js')).toEqual([]);
  });

  it('Python: matches test_foo.py, foo_test.py and tests importing the module (plain, src layout, relative)', async () => {
    const root = await project({
      'src/pkg/calc.py': '',
      'pkg2/geom.py': '',
      'tests/test_calc.py': '',
      'tests/imports_calc_test.py': 'from pkg.calc import add\n',
      'pkg2/tests/test_shapes.py': 'from ..geom import area\n',
      'tests/test_none.py': 'import os\n',
    });
    const tests = await listTestFiles(root, 'python');
    expect(await findRelatedTests(root, ['src/pkg/calc.py'], tests, 'python')).toEqual(['tests/imports_calc_test.py', 'tests/test_calc.py']);
    expect(await findRelatedTests(root, ['pkg2/geom.py'], tests, 'python')).toEqual(['pkg2/tests/test_shapes.py']);
  });

  it('stops at the entry limit instead of walking a huge tree', async () => {
    const files: Record<string, string> = {};
    for (let k = 0; k < 50; k++) files[`d${k}/x${k}.test.js`] = '';
    const root = await project(files);
    expect((await listTestFiles(root, 'js', { maxEntries: 20 })).length).toBeLessThan(20);
    expect(await listTestFiles(root, 'js')).toHaveLength(50);
  });
});
