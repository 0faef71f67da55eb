/**
 * Spawn cost of the agent runtime: 10,000 agents spawned and registered (lifecycle events published
 * and delivered to one dashboard-like subscriber), one spawn() each and as one spawnAll() batch,
 * heap per agent, and stopping them all.
 * There is no natural library peer; the baseline "plain-map" creates the same 10,000 agent objects
 * into a plain Map, so the ratio shows the overhead of registration, supervision state and events.
 * Targets: spawn ≤ 50 ms total, ≤ 1.5 KB heap per agent, stop all ≤ 50 ms.
 */
import { InProcessEventBus } from '../shared/bus/in-process-bus.js';
import type { Agent, AgentTask } from '../shared/runtime/agent.js';
import { AgentHost } from '../shared/runtime/agent-host.js';
import { compare, median, type BenchSuite } from './harness.js';

const AGENTS = 10_000;
const RUNS = 5;
const CAPABILITIES = ['code_review', 'security_scan', 'lint', 'log_analysis', 'test_triage'];

/** A typical small agent: its methods live on the prototype, as agent classes' do. */
class BenchAgent implements Agent<string, string> {
  readonly kind = 'review';
  readonly permission = 'read_only' as const;
  readonly capabilities: readonly string[];
  constructor(readonly id: string, capability: string) {
    this.capabilities = [capability];
  }
  async handle(task: AgentTask<string>): Promise<string> {
    return task.input;
  }
}

const makeAgents = (): BenchAgent[] =>
  Array.from({ length: AGENTS }, (_, i) => new BenchAgent(`agent-${i}`, CAPABILITIES[i % CAPABILITIES.length]!));

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const heapUsed = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};
const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

interface OursSample {
  spawnMs: number;
  heapPerAgent: number;
  stopMs: number;
}

async function runOurs(batch: boolean): Promise<OursSample> {
  const bus = new InProcessEventBus();
  let seen = 0;
  const dashboard = bus.subscribe('agent.*', () => void seen++, { queueLimit: 2 * AGENTS });
  const host = new AgentHost({ bus });
  const heapBefore = heapUsed();

  const start = process.hrtime.bigint();
  const agents = makeAgents();
  if (batch) await host.spawnAll(agents);
  else await Promise.all(agents.map((agent) => host.spawn(agent)));
  await bus.idle();
  const spawnMs = msSince(start);

  agents.length = 0; // the host alone holds them now
  const heapPerAgent = (heapUsed() - heapBefore) / AGENTS;
  if (host.size !== AGENTS || seen !== AGENTS || host.find('lint').length !== AGENTS / CAPABILITIES.length) {
    throw new Error(`spawn bench: registry or events incomplete (size ${host.size}, events ${seen})`);
  }

  const stopStart = process.hrtime.bigint();
  await host.close();
  await bus.idle();
  const stopMs = msSince(stopStart);
  if ((host.size as number) !== 0 || seen !== 2 * AGENTS) throw new Error(`spawn bench: stop incomplete (size ${host.size}, events ${seen})`);

  dashboard.dispose();
  bus.dispose();
  return { spawnMs, heapPerAgent, stopMs };
}

function runPlainMap(): { ms: number; heapPerAgent: number } {
  const heapBefore = heapUsed();
  const start = process.hrtime.bigint();
  const map = new Map<string, BenchAgent>();
  for (const agent of makeAgents()) map.set(agent.id, agent);
  const ms = msSince(start);
  const heapPerAgent = (heapUsed() - heapBefore) / AGENTS;
  if (map.size !== AGENTS) throw new Error('plain-map baseline incomplete');
  return { ms, heapPerAgent };
}

const suite: BenchSuite = {
  name: 'spawn',
  async run(report) {
    const ours: OursSample[] = [];
    const batched: OursSample[] = [];
    const peer: { ms: number; heapPerAgent: number }[] = [];
    // Warm-up: JIT and the bus's route cache.
    await runOurs(false);
    await runOurs(true);
    for (let i = 0; i < RUNS; i++) {
      gc();
      ours.push(await runOurs(false));
      gc();
      batched.push(await runOurs(true));
      gc();
      peer.push(runPlainMap());
    }
    const base = { bench: 'spawn', runs: RUNS, stat: 'median' as const, better: 'lower' as const };
    report({
      ...compare(
        { ...base, case: `spawn+register ${AGENTS} agents`, metric: 'ms total', unit: 'ms', target: 50 },
        median(ours.map((s) => s.spawnMs)),
        'plain-map',
        median(peer.map((s) => s.ms)),
      ),
    });
    report({
      ...compare(
        { ...base, case: `spawnAll ${AGENTS} agents (one batch)`, metric: 'ms total', unit: 'ms', target: 50 },
        median(batched.map((s) => s.spawnMs)),
        'plain-map',
        median(peer.map((s) => s.ms)),
      ),
    });
    report({
      ...compare(
        { ...base, case: `heap per agent (${AGENTS})`, metric: 'bytes/agent', unit: 'B', target: 1536 },
        median(ours.map((s) => s.heapPerAgent)),
        'plain-map',
        median(peer.map((s) => s.heapPerAgent)),
      ),
    });
    report(
      compare(
        { ...base, case: `stop all ${AGENTS} agents`, metric: 'ms total', unit: 'ms', target: 50 },
        median(ours.map((s) => s.stopMs)),
        null,
        null,
      ),
    );
  },
};

export default suite;
