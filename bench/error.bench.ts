/**
 * `npm run bench -- error`: the error swarm's speed. Log analysis throughput on a large CI log
 * (target ≥ 50 MB/s), stack trace parsing (≥ 10,000 traces/s) and source-mapped location, and
 * bisection: test runs against ⌈log2 N⌉ + 2 and our own overhead per step (≤ 200 ms), each beside
 * its peer from the same run.
 */
import type { BenchSuite } from './harness.js';
import { runBisectBench } from './error/bisect.js';
import { runLogBench } from './error/logs.js';
import { runStackBench } from './error/stack.js';

const suite: BenchSuite = {
  name: 'error',
  async run(report) {
    await runLogBench(report);
    await runStackBench(report);
    await runBisectBench(report);
  },
};

export default suite;
