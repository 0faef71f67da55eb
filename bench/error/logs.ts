/**
 * Log analyzer throughput (`runLogBench`, for the error suite).
 * - CI log: ~100 MB of a GitHub Actions job log generated in memory (runner timestamps, `##[group]`
 *   steps, npm install noise, jest output in colour with passing files and tests, console blocks, a
 *   failing file now and then with diffs, code frames and stacks, app log lines at every level with
 *   pino JSON errors and Java stacks), fed in 64 KiB chunks as a stream would deliver it.
 * - Peer: the same bytes decoded, `split('\n')`, each line through `stripVTControlCharacters` (Node's
 *   own copy of the `ansi-regex` pattern that `strip-ansi` uses) and one `/error/i` test: a grep that
 *   finds lines, where ours also parses blocks, stacks, tests, steps, fingerprints and windows.
 *   The ratio is ours / peer (higher is better); the target is ≥ 50 MB/s for ours. Two lines: wall
 *   clock (the harness's measure) and CPU time of the process (steadier on a shared, loaded machine).
 */
import { stripVTControlCharacters } from 'node:util';
import { LogAnalyzer } from '../../agents/error/logs/analyze-log.js';
import { compare, interleave, median, secondsSince, type BenchLine } from '../harness.js';

const RUNS = 5;
const TARGET_MB = 100;
const CHUNK = 64 * 1024;
const TARGET_MB_PER_S = 50;

/** A small deterministic generator, so every run measures the same log. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ESC = '\u001b';
const green = (s: string) => `${ESC}[32m${s}${ESC}[39m`;
const red = (s: string) => `${ESC}[31m${s}${ESC}[39m`;
const dim = (s: string) => `${ESC}[2m${s}${ESC}[22m`;
const bold = (s: string) => `${ESC}[1m${s}${ESC}[22m`;

/** Generates a GitHub Actions job log of about `megabytes`, as bytes. */
export function generateCiLog(megabytes: number, seed = 1): Buffer {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const out: string[] = [];
  let size = 0;
  let clock = Date.UTC(2024, 4, 1, 12, 0, 0);
  const emit = (text: string) => {
    clock += Math.floor(next() * 40);
    const line = `${new Date(clock).toISOString().slice(0, -1)}${String(Math.floor(next() * 10_000)).padStart(4, '0')}Z ${text}`;
    out.push(line);
    size += line.length + 1;
  };
  const words = ['cart', 'checkout', 'payment', 'inventory', 'search', 'profile', 'session', 'catalog', 'orders', 'shipping'];
  let job = 0;
  while (size < megabytes * 1_000_000) {
    job++;
    emit('##[group]Run actions/checkout@v4');
    emit('with:');
    emit('  repository: acme/shop');
    emit('##[endgroup]');
    emit('Syncing repository: acme/shop');
    emit('##[group]Run npm ci');
    emit(`${ESC}[36;1mnpm ci${ESC}[0m`);
    emit('shell: /usr/bin/bash -e {0}');
    emit('##[endgroup]');
    for (let i = 0; i < 400; i++) {
      emit(`npm http fetch GET 200 https://registry.npmjs.org/${pick(words)}-${Math.floor(next() * 900)} ${Math.floor(next() * 90)}ms (cache hit)`);
    }
    emit('npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory.');
    emit(`added ${1000 + job} packages, and audited ${1001 + job} packages in 9s`);
    emit('##[group]Run npm test');
    emit(`${ESC}[36;1mnpm test -- --ci --verbose${ESC}[0m`);
    emit('##[endgroup]');
    emit('');
    emit('> shop@1.0.0 test');
    emit('> jest --ci --verbose');
    emit('');
    for (let file = 0; file < 600; file++) {
      const area = pick(words);
      const failing = next() < 0.01;
      emit(`${ESC}[0m${ESC}[7m${ESC}[1m${failing ? `${ESC}[31m FAIL ` : `${ESC}[32m PASS `}${ESC}[39m${ESC}[22m${ESC}[27m${ESC}[0m ${dim(`src/${area}/`)}${bold(`${area}-${file}.test.ts`)} (${(next() * 6).toFixed(3)} s)`);
      emit(`  ${area} service`);
      const tests = 6 + Math.floor(next() * 10);
      for (let t = 0; t < tests; t++) emit(`    ${green('✓')} ${dim(`handles ${area} case ${t} with ${pick(words)} data (${Math.floor(next() * 20)} ms)`)}`);
      if (next() < 0.1) {
        emit('');
        emit(`  ${bold('● Console')}`);
        emit('');
        emit(`    ${dim('console.log')}`);
        emit(`      loaded ${Math.floor(next() * 500)} ${area} fixtures`);
        emit('');
        emit(`      ${dim(`at Object.<anonymous> (src/${area}/${area}-${file}.test.ts:${Math.floor(next() * 90)}:11)`)}`);
        emit('');
      }
      if (next() < 0.05) {
        // An app log under test: levels, a pino error with its stack, a Java stack from a sidecar.
        emit(`2024-05-01 12:00:0${Math.floor(next() * 9)}.123 [main] INFO  com.acme.${area}.Service - warmed cache in ${Math.floor(next() * 90)}ms`);
        emit(`2024-05-01 12:00:0${Math.floor(next() * 9)}.456 [http-nio-8080-exec-${Math.floor(next() * 9)}] WARN  com.acme.${area}.Client - slow response from upstream`);
        if (next() < 0.3) {
          emit(`{"level":50,"time":${clock},"pid":${Math.floor(next() * 9000)},"hostname":"runner","msg":"request failed","err":{"type":"Error","message":"connect ECONNREFUSED 127.0.0.1:${5000 + Math.floor(next() * 999)}","stack":"Error: connect ECONNREFUSED 127.0.0.1:5432\\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)"}}`);
          emit(`2024-05-01 12:00:09.789 [main] ERROR com.acme.${area}.Repository - Failed to load order ${10_000 + Math.floor(next() * 90_000)}`);
          emit('java.lang.IllegalStateException: Connection pool exhausted');
          emit(`\tat com.acme.${area}.Repository.load(Repository.java:${40 + Math.floor(next() * 20)})`);
          emit(`\tat com.acme.${area}.Service.handle(Service.java:88)`);
          emit('Caused by: java.net.ConnectException: Connection refused');
          emit('\tat java.base/sun.nio.ch.Net.connect0(Native Method)');
          emit('\t... 12 more');
        }
      }
      if (failing) {
        const failures = 1 + Math.floor(next() * 3);
        for (let f = 0; f < failures; f++) {
          emit('');
          emit(bold(red(`  ● ${area} service › handles ${area} case ${f}`)));
          emit('');
          if (next() < 0.5) {
            emit(`    expect(${red('received')}).toBe(${green('expected')}) // Object.is equality`);
            emit('');
            emit(`    Expected: ${green(String(f + 4))}`);
            emit(`    Received: ${red(String(f + 3))}`);
          } else {
            emit(`    TypeError: Cannot read properties of undefined (reading '${pick(words)}')`);
          }
          emit('');
          for (let l = 0; l < 5; l++) emit(`    ${l === 2 ? '>' : ' '} ${20 + l} |     const total = ${area}.compute(items);`);
          emit('');
          emit(`      at Object.<anonymous> (src/${area}/${area}-${file}.test.ts:${22 + f}:${13 + f})`);
          emit(`      at Promise.then.completed (node_modules/jest-circus/build/utils.js:298:28)`);
          emit(`      at new Promise (<anonymous>)`);
        }
        emit('');
      }
    }
    emit(`${bold('Test Suites:')} ${red('6 failed')}, ${green('594 passed')}, 600 total`);
    emit(`${bold('Tests:')}       ${red('9 failed')}, ${green('5991 passed')}, 6000 total`);
    emit('##[error]Process completed with exit code 1.');
    emit('Post job cleanup.');
  }
  return Buffer.from(`${out.join('\n')}\n`);
}

/** The analyzer over `log`, fed in stream-sized chunks. */
function analyzeOnce(log: Buffer): void {
  const analyzer = new LogAnalyzer();
  for (let at = 0; at < log.length; at += CHUNK) analyzer.push(log.subarray(at, at + CHUNK));
  const result = analyzer.end();
  if (result.groups.length === 0) throw new Error('bench: the analyzer found no error in the CI log');
}

/** The peer: split, strip ANSI, one case-insensitive grep. */
function grepOnce(log: Buffer): void {
  let hits = 0;
  for (const line of log.toString('utf8').split('\n')) if (/error/i.test(stripVTControlCharacters(line))) hits++;
  if (hits === 0) throw new Error('bench: the grep found nothing');
}

/**
 * Runs `fn` over `log`; returns wall-clock MB/s and records MB/s of the process's CPU time in `cpu`
 * (on a shared, loaded machine the wall clock mostly measures the wait for a core).
 */
function throughput(log: Buffer, fn: (log: Buffer) => void, cpu: number[]): number {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  fn(log);
  const wall = secondsSince(start);
  const used = process.cpuUsage(cpuStart);
  cpu.push(log.length / 1e6 / ((used.user + used.system) / 1e6));
  return log.length / 1e6 / wall;
}

/** Runs the log analyzer's cases; one JSON line each. */
export async function runLogBench(report: (line: BenchLine) => void): Promise<void> {
  const log = generateCiLog(TARGET_MB);
  const cpu = { ours: [] as number[], peer: [] as number[] };
  const samples = await interleave(RUNS, { ours: () => throughput(log, analyzeOnce, cpu.ours), peer: () => throughput(log, grepOnce, cpu.peer) });
  const name = `log analyzer, ${Math.round(log.length / 1e6)} MB CI log`;
  const peer = 'split+stripVTControlCharacters+/error/i';
  report({
    ...compare({ bench: 'error', case: name, metric: 'MB/s', runs: RUNS, stat: 'median', better: 'higher', unit: 'MB/s' }, median(samples.ours!), peer, median(samples.peer!)),
    target: TARGET_MB_PER_S,
  });
  report({
    ...compare({ bench: 'error', case: name, metric: 'MB/s of CPU time', runs: RUNS, stat: 'median', better: 'higher', unit: 'MB/s' }, median(cpu.ours), peer, median(cpu.peer)),
    target: TARGET_MB_PER_S,
  });
}
