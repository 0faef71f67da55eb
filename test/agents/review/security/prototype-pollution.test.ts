import { beforeAll, describe, expect, it } from '@jest/globals';
import { linesOf, ready, reported, scan } from './scan-helper.js';

beforeAll(ready);

describe('prototype pollution', () => {
  it('flags a recursive merge that writes keys iterated from the source', () => {
    const f = scan(`function merge(target, source) {
  for (const key in source) {
    if (typeof source[key] === 'object') merge(target[key], source[key]);
    else target[key] = source[key];
  }
  return target;
}`);
    expect(linesOf(f, 'prototype-pollution')).toEqual([4]);
    const [finding] = reported(f, 'prototype-pollution');
    expect(finding!.cwe).toEqual([1321]);
    expect(finding!.message).toMatch(/recursively merges/);
  });

  it('flags set-by-path that walks into the object (dot-prop, set-value shape)', () => {
    const f = scan(`module.exports.set = function set(obj, path, value) {
  const keys = path.split('.');
  let cur = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    if (!cur[keys[i]]) cur[keys[i]] = {};
    cur = cur[keys[i]];
  }
  cur[keys[keys.length - 1]] = value;
};`);
    expect(linesOf(f, 'prototype-pollution')).toEqual([5, 8]);
  });

  it('flags a two-level write with outside keys', () => {
    const f = scan(`function assignPair(obj, a, b, v) { obj[a][b] = v; }`);
    expect(linesOf(f, 'prototype-pollution')).toEqual([1]);
  });

  it('accepts complete key guards: literal checks, an allow-list helper, includes, filter', () => {
    const f = scan(`function merge(target, source) {
  for (const key in source) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    if (typeof source[key] === 'object') merge(target[key], source[key]);
    else target[key] = source[key];
  }
}
function isValidKey(key) { return key !== '__proto__' && key !== 'constructor' && key !== 'prototype'; }
function set(obj, path, value) {
  const keys = path.split('.').filter(isValidKey);
  let cur = obj;
  for (const k of keys) { cur[k] = cur[k] || {}; cur = cur[k]; }
}
function extend(target, src) {
  Object.keys(src).forEach((key) => {
    if (['__proto__', 'constructor', 'prototype'].includes(key)) return;
    target[key] = extend(target[key] || {}, src[key]);
  });
}
function build(entries) {
  const out = Object.create(null);
  for (const [k, v] of entries) { out[k] = build(v); }
  return out;
}`);
    expect(reported(f, 'prototype-pollution')).toEqual([]);
  });

  it('still flags a deep merge that blocks only __proto__ (constructor.prototype bypass)', () => {
    const f = scan(`function copy(target, src) {
  for (const key in src) {
    if (key === '__proto__') continue;
    var obj = target[key];
    if (isExtendable(obj)) copy(obj, src[key]);
    else target[key] = src[key];
  }
}`);
    expect(linesOf(f, 'prototype-pollution')).toEqual([6]);
    expect(reported(f, 'prototype-pollution')[0]!.message).toMatch(/blocks __proto__ but not constructor/);
  });

  it('accepts a __proto__ guard when the merge only descends into plain objects (a constructor is a function)', () => {
    const f = scan(`function merge(target, source) {
  for (const key in source) {
    if (key === '__proto__') continue;
    if (typeof target[key] === 'object' && typeof source[key] === 'object') merge(target[key], source[key]);
    else target[key] = source[key];
  }
}`);
    expect(reported(f, 'prototype-pollution')).toEqual([]);
  });

  it('ignores copies into a fresh object, numeric indexes and keys read from the target itself', () => {
    const f = scan(`function clone(src) {
  const copy = {};
  for (const key in src) copy[key] = typeof src[key] === 'object' ? clone(src[key]) : src[key];
  return copy;
}
function fill(arr, v) { arr.forEach((x, i) => { arr[i] = fill(x, v); }); }
function revive(obj) { for (const key in obj) obj[key] = revive(obj[key]); return obj; }`);
    expect(reported(f, 'prototype-pollution')).toEqual([]);
  });
});
