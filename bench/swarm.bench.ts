/**
 * Overhead of composition: one round trip of a 100-agent swarm (decompose, fan-out over the real
 * AgentHost with capability discovery and round-robin, gather under a deadline, consensus by merging
 * findings) with no-op agents. Peer "Promise.all": the same 100 agents' handle() called directly
 * and awaited with a bare Promise.all, then the same merge, so the ratio shows what swarm plus host
 * cost on top; a second peer, "AgentHost.dispatch+Promise.all", does the same 100 dispatches through
 * the host without the swarm, splitting our cost from the host's. Target: median ≤ 5 ms per round trip. "cold discovery" re-discovers the capability's agents on
 * every run (a swarm run once); the main case reuses discovery, as a swarm run on every save does.
 * A last case measures a chain of 10 dispatch steps against 10 sequential direct calls.
 */
import { InProcessEventBus } from '../shared/bus/in-process-bus.js';
import { chain } from '../shared/compose/agent-chain.js';
import { mergeFindings } from '../shared/compose/consensus.js';
import { step } from '../shared/compose/step.js';
import { Swarm, type SwarmGathered } from '../shared/compose/swarm.js';
import type { Finding } from '../shared/findings/finding.js';
import type { Agent, AgentContext, AgentTask } from '../shared/runtime/agent.js';
import { AgentHost } from '../shared/runtime/agent-host.js';
import { compare, interleave, median, percentile, type BenchSuite } from './harness.js';

const AGENTS = 100;
const RUNS = 300;
const WARMUP = 50;
const TARGET_MS = 5;

/** A no-op review agent: answers at once with one finding (all agents agree on it). */
class NoopAgent implements Agent<string, Finding[]> {
  readonly kind = 'review';
  readonly permission = 'read_only' as const;
  readonly capabilities = ['code_review'] as const;
  constructor(readonly id: string) {}
  async handle(task: AgentTask<string>, _context: AgentContext): Promise<Finding[]> {
    return [
      {
        ruleId: 'bench/noop',
        agent: this.id,
        severity: 'info',
        message: 'noop',
        file: task.input,
        range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
        fingerprint: `fp-${task.input}`,
      },
    ];
  }
}

const files = Array.from({ length: AGENTS }, (_, i) => `src/file-${i % 10}.ts`);
const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

const suite: BenchSuite = {
  name: 'swarm',
  async run(report) {
    const bus = new InProcessEventBus();
    const host = new AgentHost({ bus, settings: { healthCheckIntervalMs: 0 } });
    const agents = Array.from({ length: AGENTS }, (_, i) => new NoopAgent(`reviewer-${i}`));
    for (const agent of agents) await host.spawn(agent);

    const makeSwarm = (discoveryTtlMs: number) =>
      new Swarm({
        dispatcher: host,
        capability: 'code_review',
        concurrency: AGENTS,
        discoveryTtlMs,
        decompose: (job: string[]) => job.map((file) => ({ input: file })),
        consensus: (g: SwarmGathered<string, Finding[]>) => mergeFindings(g.completed.flatMap((c) => c.output)),
      });
    const context: AgentContext = { signal: new AbortController().signal, deadline: Number.POSITIVE_INFINITY, bus };
    const timed = (swarm: ReturnType<typeof makeSwarm>) => async (): Promise<number> => {
      const start = process.hrtime.bigint();
      const result = await swarm.run(files, { deadlineMs: 10_000 });
      const ms = msSince(start);
      if (result.completed.length !== AGENTS || result.consensus.length !== 10) throw new Error('swarm bench: wrong result');
      return ms;
    };
    // Steady state: a swarm run again and again (on every save) reuses its capability discovery.
    const ours = timed(makeSwarm(60_000));
    // Cold: capability discovery (host.find, which builds 100 health reports) on every run.
    const cold = timed(makeSwarm(0));
    const peer = async (): Promise<number> => {
      const start = process.hrtime.bigint();
      const outputs = await Promise.all(agents.map((agent, i) => agent.handle({ id: `t${i}`, type: 'code_review', input: files[i]! }, context)));
      const merged = mergeFindings(outputs.flat());
      const ms = msSince(start);
      if (merged.length !== 10) throw new Error('peer bench: wrong result');
      return ms;
    };
    // The host alone: the same 100 dispatches and merge without the swarm, to split our cost from the host's.
    const hostOnly = async (): Promise<number> => {
      const start = process.hrtime.bigint();
      const outputs = await Promise.all(agents.map((agent, i) => host.dispatch<Finding[]>(agent.id, { type: 'code_review', input: files[i]! }, { deadlineMs: 10_000 })));
      const merged = mergeFindings(outputs.flat());
      const ms = msSince(start);
      if (merged.length !== 10) throw new Error('host bench: wrong result');
      return ms;
    };
    await interleave(WARMUP, { ours, cold, peer, hostOnly });
    const samples = await interleave(RUNS, { ours, cold, peer, hostOnly });
    await bus.idle();

    // The target applies to the median round trip; p99 lines show the tail on this shared machine.
    const base = { bench: 'swarm', runs: RUNS, better: 'lower' as const, unit: 'ms', metric: 'latency_ms' };
    const warm = { ...base, case: '100-agent swarm round trip' };
    const coldCase = { ...base, case: '100-agent swarm, cold discovery' };
    report(compare({ ...warm, stat: 'median', target: TARGET_MS }, median(samples.ours!), 'Promise.all', median(samples.peer!)));
    report(compare({ ...warm, stat: 'p99' }, percentile(samples.ours!, 99), 'Promise.all', percentile(samples.peer!, 99)));
    report(compare({ ...warm, stat: 'median' }, median(samples.ours!), 'AgentHost.dispatch+Promise.all', median(samples.hostOnly!)));
    report(compare({ ...coldCase, stat: 'median', target: TARGET_MS }, median(samples.cold!), 'Promise.all', median(samples.peer!)));
    report(compare({ ...coldCase, stat: 'p99' }, percentile(samples.cold!, 99), 'Promise.all', percentile(samples.peer!, 99)));

    // A chain of 10 dispatch steps, each to an agent found by capability.
    let c = chain<Finding[]>({ dispatcher: host });
    for (let i = 0; i < 10; i++) c = c.then(step.capability<Finding[], Finding[]>('code_review', { name: `s${i}`, toTask: () => files[i] }));
    const chainOurs = async (): Promise<number> => {
      const start = process.hrtime.bigint();
      await c.run([], { deadlineMs: 10_000 });
      return msSince(start);
    };
    const chainPeer = async (): Promise<number> => {
      const start = process.hrtime.bigint();
      let value: Finding[] = [];
      for (let i = 0; i < 10; i++) value = await agents[i]!.handle({ id: `c${i}`, type: 'code_review', input: files[i]! }, context);
      if (value.length !== 1) throw new Error('chain peer: wrong result');
      return msSince(start);
    };
    await interleave(WARMUP, { chainOurs, chainPeer });
    const chainSamples = await interleave(RUNS, { chainOurs, chainPeer });
    report(
      compare(
        { bench: 'swarm', case: '10-step chain round trip', metric: 'latency_ms', runs: RUNS, stat: 'median', better: 'lower', unit: 'ms' },
        median(chainSamples.chainOurs!),
        'sequential awaits',
        median(chainSamples.chainPeer!),
      ),
    );

    await host.close();
    bus.dispose();
  },
};

export default suite;
