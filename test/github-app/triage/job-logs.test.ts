import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { strToU8, zipSync } from 'fflate';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeLog, fetchTail, jobLogFromArchive } from '../../../github-app/triage/job-logs.js';

describe('jobLogFromArchive (real zips, as GitHub lays out a run archive)', () => {
  it("prefers the top-level whole-job file, matching GitHub's sanitised job name", () => {
    const zip = zipSync({ '0_build.txt': strToU8('\uFEFFbuild log\n'), '1_test (20.x).txt': strToU8('\uFEFFwhole test log\n'), 'test (20.x)/3_Run npm test.txt': strToU8('step only\n') });
    expect(jobLogFromArchive(zip, 'test (20.x)')).toEqual({ ok: true, text: 'whole test log\n', truncated: false, source: 'archive' });
    const slashes = zipSync({ '0_deploy prod.txt': strToU8('deploy log\n') });
    expect(jobLogFromArchive(slashes, 'deploy: prod')).toMatchObject({ ok: true, text: 'deploy log\n' });
  });

  it('else joins the job folder’s step files in step order, one ##[group] per step', () => {
    const zip = zipSync({ 'test/10_Post.txt': strToU8('post\n'), 'test/2_Run npm test.txt': strToU8('boom\n'), 'test/1_Set up job.txt': strToU8('setup\n') });
    const log = jobLogFromArchive(zip, 'test');
    expect(log).toMatchObject({ ok: true });
    expect(log.ok && log.text).toBe('##[group]Set up job\nsetup\n##[endgroup]\n##[group]Run npm test\nboom\n##[endgroup]\n##[group]Post\npost\n##[endgroup]\n');
  });

  it('says why when the job is not there, the entry is too large, or the zip is broken', () => {
    const zip = zipSync({ '0_build.txt': strToU8('x'.repeat(5000)) });
    expect(jobLogFromArchive(zip, 'test')).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(jobLogFromArchive(zip, 'build', 1000)).toMatchObject({ ok: false, reason: 'too-large' });
    expect(jobLogFromArchive(strToU8('PK not really a zip'), 'build')).toMatchObject({ ok: false, reason: 'failed' });
  });
});

describe('decodeLog', () => {
  it('drops the BOM, and the partial first line of a cut log', () => {
    expect(decodeLog(strToU8('\uFEFFa\nb\n'), false)).toBe('a\nb\n');
    expect(decodeLog(strToU8('tial line\nwhole line\n'), true)).toBe('whole line\n');
  });
});

describe('fetchTail (a real HTTP stream)', () => {
  let server: Server;
  let url = '';
  const lines = Array.from({ length: 20_000 }, (_, i) => `2024-05-01T10:00:00.0000000Z line ${i}`).join('\n');

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/gone') {
        res.writeHead(410).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      // Many small writes, like a log streamed from storage.
      const bytes = Buffer.from(lines);
      for (let i = 0; i < bytes.length; i += 4096) res.write(bytes.subarray(i, i + 4096));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('keeps only the last bytes of a long log, ending where the log ends', async () => {
    const tail = await fetchTail(`${url}/log`, 10_000);
    expect('bytes' in tail && tail.truncated).toBe(true);
    if (!('bytes' in tail)) throw new Error('expected bytes');
    expect(tail.bytes.length).toBe(10_000);
    const text = decodeLog(tail.bytes, true);
    expect(text.endsWith('line 19999')).toBe(true);
    expect(text.startsWith('2024-05-01T10:00:00.0000000Z line ')).toBe(true);
  });

  it('keeps a short log whole, and reports a status instead of throwing', async () => {
    const whole = await fetchTail(`${url}/log`, 10_000_000);
    expect('bytes' in whole && whole.truncated === false && whole.bytes.length === Buffer.byteLength(lines)).toBe(true);
    expect(await fetchTail(`${url}/gone`, 1000)).toEqual({ status: 410 });
  });

  it('stops when cancelled', async () => {
    await expect(fetchTail(`${url}/log`, 1000, AbortSignal.abort(new Error('stop')))).rejects.toThrow();
  });
});
