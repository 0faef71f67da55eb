import { describe, expect, it } from '@jest/globals';
import type { ESLint } from 'eslint';
import { EslintInstanceCache } from '../../../../agents/review/style/eslint-instance-cache.js';

const fake = (label: string) => ({ label }) as unknown as ESLint;

describe('EslintInstanceCache', () => {
  it('shares one construction between concurrent callers and replaces an entry whose stamp changed', async () => {
    const cache = new EslintInstanceCache();
    let calls = 0;
    const create = async () => fake(`v${++calls}`);
    const [a, b] = await Promise.all([cache.get('k', 's1', create), cache.get('k', 's1', create)]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
    const c = await cache.get('k', 's2', create);
    expect(c).not.toBe(a);
    expect([cache.created, cache.size]).toEqual([2, 1]);
  });

  it('does not keep a failed construction, so the next call tries again', async () => {
    const cache = new EslintInstanceCache();
    await expect(cache.get('k', 's', async () => Promise.reject(new Error('no eslint')))).rejects.toThrow('no eslint');
    expect(cache.size).toBe(0);
    expect(await cache.get('k', 's', async () => fake('ok'))).toEqual({ label: 'ok' });
    cache.dispose();
    expect(cache.size).toBe(0);
  });
});
