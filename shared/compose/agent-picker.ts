/**
 * Chooses which agent gets the next task among those offering a capability: round-robin (spread
 * evenly) or least-busy (fewest tasks this picker has in flight, so a slow agent is given less).
 * Agents whose circuit is open, or that are stopped or crashed, are skipped while others remain.
 * Discovery (`dispatcher.find`) builds a health report per agent, so a picker reuses its answer for
 * a short time (`discoveryTtlMs`); a dispatch refused because an agent is unavailable should call
 * {@link AgentPicker.invalidate} so the next pick asks again.
 */
import { InvalidInputError } from '../errors/errors.js';
import type { AgentStatus } from '../bus/topics.js';
import type { AgentDispatcher, AgentInfo } from '../runtime/agent.js';

/** How a picker spreads tasks. */
export type PickStrategy = 'round-robin' | 'least-busy';

/** Statuses in which an agent cannot take a task now. */
const UNAVAILABLE: ReadonlySet<AgentStatus> = new Set<AgentStatus>(['circuit_open', 'crashed', 'stopping', 'stopped']);

/** Picks agents for tasks and counts what it has in flight per agent. */
export class AgentPicker {
  private readonly cursor = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  /** Candidate lists in id order, cached per list (a swarm picks from one list for every task). */
  private readonly sorted = new WeakMap<readonly AgentInfo[], readonly AgentInfo[]>();

  private readonly discovered = new Map<string, { at: number; agents: AgentInfo[] }>();

  constructor(
    private readonly dispatcher: AgentDispatcher,
    /** Default strategy for {@link pick}. */
    readonly strategy: PickStrategy = 'round-robin',
    /** Milliseconds a capability's candidate list is reused (0: ask the dispatcher every time). */
    readonly discoveryTtlMs = 250,
  ) {}

  /**
   * Agents that can take a `capability` task, available ones first (the dispatcher's order kept).
   * Throws {@link InvalidInputError} naming the capability when no agent offers it.
   */
  candidates(capability: string, where: { file?: string; key?: string } = {}): AgentInfo[] {
    const now = Date.now();
    const cached = this.discovered.get(capability);
    if (cached !== undefined && now - cached.at < this.discoveryTtlMs) return cached.agents;
    const all = this.dispatcher.find(capability);
    if (all.length === 0) {
      this.discovered.delete(capability);
      throw new InvalidInputError(`No agent offers the capability "${capability}": spawn one that declares it, or fix the capability name`, where);
    }
    const available = all.filter((a) => !UNAVAILABLE.has(a.health.status));
    // With none available, keep them all: the dispatcher then refuses with a clear CircuitOpenError.
    const agents = available.length > 0 ? available : all;
    if (this.discoveryTtlMs > 0) this.discovered.set(capability, { at: now, agents });
    return agents;
  }

  /** Forgets cached candidates (of one capability, or all), e.g. after an agent refused a task. */
  invalidate(capability?: string): void {
    if (capability === undefined) this.discovered.clear();
    else this.discovered.delete(capability);
  }

  /**
   * Picks one of `candidates` (from {@link candidates}), skipping ids in `exclude` while others remain.
   * `key` scopes the round-robin cursor (usually the capability).
   */
  pickFrom(candidates: readonly AgentInfo[], key: string, exclude?: ReadonlySet<string>, strategy: PickStrategy = this.strategy): AgentInfo {
    let pool: readonly AgentInfo[] = candidates;
    if (exclude !== undefined && exclude.size > 0) {
      const rest = candidates.filter((a) => !exclude.has(a.id));
      if (rest.length > 0) pool = rest;
    }
    if (pool.length === 0) throw new InvalidInputError(`No agent to pick for "${key}"`);
    if (strategy === 'least-busy') {
      let best = pool[0]!;
      let bestLoad = this.load(best.id);
      for (let i = 1; i < pool.length && bestLoad > 0; i++) {
        const load = this.load(pool[i]!.id);
        if (load < bestLoad) {
          best = pool[i]!;
          bestLoad = load;
        }
      }
      return best;
    }
    // The dispatcher orders by health, which changes task to task: rotate over a stable (id) order.
    const ordered = this.byId(pool);
    const next = this.cursor.get(key) ?? 0;
    this.cursor.set(key, next + 1);
    return ordered[next % ordered.length]!;
  }

  private byId(pool: readonly AgentInfo[]): readonly AgentInfo[] {
    let ordered = this.sorted.get(pool);
    if (ordered === undefined) {
      ordered = [...pool].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      this.sorted.set(pool, ordered);
    }
    return ordered;
  }

  /** {@link candidates} then {@link pickFrom}: one agent for one task. */
  pick(capability: string, where?: { file?: string; key?: string }): AgentInfo {
    return this.pickFrom(this.candidates(capability, where), capability);
  }

  /** Tasks this picker has marked in flight on `agentId`. */
  load(agentId: string): number {
    return this.inFlight.get(agentId) ?? 0;
  }

  /** Marks a task started on `agentId`; call {@link release} when it settles. */
  acquire(agentId: string): void {
    this.inFlight.set(agentId, this.load(agentId) + 1);
  }

  /** Marks a task on `agentId` settled. */
  release(agentId: string): void {
    const n = this.load(agentId) - 1;
    if (n > 0) this.inFlight.set(agentId, n);
    else this.inFlight.delete(agentId);
  }
}
