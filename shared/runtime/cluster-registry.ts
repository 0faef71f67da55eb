/**
 * The agents of every process sharing a Redis (`ORCHESTRA_REDIS_URL`): each process writes a
 * heartbeat for each agent its {@link AgentHost} holds, with a TTL; {@link ClusterRegistry.list}
 * returns the agents whose heartbeat has not expired, wherever they run.
 *
 * Storage: a sorted set `<prefix>:cluster:agents` of `<nodeId>|<agentId>` scored by expiry time, and
 * a hash `<prefix>:cluster:agent-info` with each member's description (JSON). Times come from the
 * Redis server's clock (`TIME` inside Lua scripts), so clock skew between machines does not shorten
 * or stretch a TTL. Each heartbeat also removes expired members (an agent of a process that died
 * disappears from `list()` as soon as its TTL passes, and from Redis at the next heartbeat of any
 * process) and sets the two keys to expire, so a cluster that is gone leaves nothing behind.
 * A clean stop (`close()`) removes this process's agents at once; an agent stopped on the host
 * disappears at the next heartbeat, or at once when the host's bus is given.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { EventBus } from '../bus/event-bus.js';
import type { AgentStatus, PermissionLevel } from '../bus/topics.js';
import { CancelledError, errorMessage, InvalidInputError } from '../errors/errors.js';
import { DisposableStore, type Disposable } from '../lifecycle/disposable.js';
import { bullmqConnection, redisUrlFromEnv } from '../queue/bullmq-connection.js';
import { closeRedis } from '../queue/close-redis.js';
import type { AgentInfo } from './agent.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Schema of the registry's tunables. */
export const clusterRegistrySettingsSchema = z.strictObject({
  /** Redis key prefix; processes that should see each other must agree on it. */
  prefix: z.string().min(1).max(200).default('orchestra').describe('Redis key prefix shared by the cluster.'),
  /** How often this process writes its agents' heartbeats. */
  heartbeatIntervalMs: z.number().int().min(10).max(MAX_TIMER_MS).default(5_000).describe('Milliseconds between two heartbeats.'),
  /** How long an agent stays listed after its last heartbeat; must exceed the interval (3× is a good margin). */
  ttlMs: z.number().int().min(20).max(MAX_TIMER_MS).default(15_000).describe('Milliseconds an agent stays listed after its last heartbeat.'),
  /** This process's id in the registry; unique per registry. Default `host:pid:random`. */
  nodeId: z.string().min(1).max(200).regex(/^[^|]+$/, 'must not contain "|"').optional().describe('Id of this process in the registry.'),
});

/** Where the registry reads this process's agents: an {@link AgentHost} (or anything with its `list()`). */
export interface AgentDirectory {
  list(): AgentInfo[];
}

/** Options of a {@link ClusterRegistry}. */
export interface ClusterRegistryOptions extends z.input<typeof clusterRegistrySettingsSchema> {
  /** This process's agents. */
  host: AgentDirectory;
  /** `redis://host:port/db`; see {@link ClusterRegistry.fromEnv} for `ORCHESTRA_REDIS_URL`. */
  redisUrl: string;
  /** The host's bus: when given, `agent.started` and `agent.stopped` published in this process trigger a heartbeat at once. */
  bus?: EventBus;
  /** Receives failed heartbeats, malformed entries and Redis errors. Default: a process warning. */
  onUnexpectedError?: (error: unknown) => void;
}

/** An agent as the cluster sees it. */
export interface ClusterAgent {
  id: string;
  kind: string;
  capabilities: string[];
  permission: PermissionLevel;
  /** Its status at the last heartbeat. */
  status: AgentStatus;
  /** The registry (process) that reported it. */
  nodeId: string;
  pid: number;
  hostname: string;
  /** When the last heartbeat was written (ms since the epoch, Redis server clock). */
  lastHeartbeat: number;
  /** When it leaves the list unless another heartbeat comes (same clock). */
  expiresAt: number;
}

const PERMISSIONS = ['read_only', 'read_write', 'execute', 'critical'] as const satisfies readonly PermissionLevel[];
const STATUSES = ['starting', 'idle', 'busy', 'stopping', 'stopped', 'crashed', 'circuit_open'] as const satisfies readonly AgentStatus[];

/** An entry of the info hash, as written by {@link ClusterRegistry} (checked on read: Redis is shared). */
const entrySchema = z.object({
  id: z.string(),
  kind: z.string(),
  capabilities: z.array(z.string()),
  permission: z.enum(PERMISSIONS),
  status: z.enum(STATUSES),
  nodeId: z.string(),
  pid: z.number().int(),
  hostname: z.string(),
  ttlMs: z.number().int().min(0),
});

const NOW_MS = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS: agents zset, info hash. ARGV: ttlMs, number of removals R, R members, then member/JSON pairs.
 * Prunes expired members, removes R, writes the pairs with expiry now + ttl. Chunks stay under Lua's
 * unpack limit.
 */
const HEARTBEAT_SCRIPT = `${NOW_MS}
local ttl = tonumber(ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 1, #expired, 500 do
  local last = math.min(i + 499, #expired)
  redis.call('ZREM', KEYS[1], unpack(expired, i, last))
  redis.call('HDEL', KEYS[2], unpack(expired, i, last))
end
local removals = tonumber(ARGV[2])
for i = 3, 2 + removals, 500 do
  local last = math.min(i + 499, 2 + removals)
  redis.call('ZREM', KEYS[1], unpack(ARGV, i, last))
  redis.call('HDEL', KEYS[2], unpack(ARGV, i, last))
end
for i = 3 + removals, #ARGV, 1000 do
  local last = math.min(i + 999, #ARGV)
  redis.call('HSET', KEYS[2], unpack(ARGV, i, last))
  local scored = {}
  for j = i, last, 2 do
    scored[#scored + 1] = now + ttl
    scored[#scored + 1] = ARGV[j]
  end
  redis.call('ZADD', KEYS[1], unpack(scored))
end
for _, key in ipairs(KEYS) do
  local left = redis.call('PTTL', key)
  if left ~= -2 and left < ttl then redis.call('PEXPIRE', key, ttl) end
end
return now`;

/** KEYS: agents zset, info hash. ARGV: members to remove. */
const REMOVE_SCRIPT = `for i = 1, #ARGV, 500 do
  local last = math.min(i + 499, #ARGV)
  redis.call('ZREM', KEYS[1], unpack(ARGV, i, last))
  redis.call('HDEL', KEYS[2], unpack(ARGV, i, last))
end
return 0`;

/** KEYS: agents zset, info hash. Returns {now, {member, score, …}, {json|nil, …}} for unexpired members. */
const LIST_SCRIPT = `${NOW_MS}
local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf', 'WITHSCORES')
local members = {}
for i = 1, #live, 2 do members[#members + 1] = live[i] end
local infos = {}
for i = 1, #members, 1000 do
  local got = redis.call('HMGET', KEYS[2], unpack(members, i, math.min(i + 999, #members)))
  for j = 1, #got do infos[#infos + 1] = got[j] end
end
return {now, live, infos}`;

const listReplySchema = z.tuple([z.number(), z.array(z.string()), z.array(z.string().nullable())]);

/** Lists live agents across processes, from heartbeats each process writes to Redis with a TTL. */
export class ClusterRegistry implements Disposable {
  /** This process's id in the registry. */
  readonly nodeId: string;
  private readonly hostName = hostname();
  private readonly settings: z.output<typeof clusterRegistrySettingsSchema>;
  private readonly host: AgentDirectory;
  private readonly redis: Redis;
  private readonly keys: [string, string];
  private readonly reportError: (error: unknown) => void;
  private readonly subscriptions = new DisposableStore();
  private readonly firstBeat: Promise<void>;
  /** Members this process wrote and has not removed. */
  private written = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Immediate | undefined;
  private beating: Promise<void> | undefined;
  /** The heartbeat queued behind the one in flight. */
  private next: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  /** Starts heartbeating at once. @throws InvalidInputError naming the option to fix. */
  constructor(options: ClusterRegistryOptions) {
    const { host, redisUrl, bus, onUnexpectedError, ...rest } = options ?? ({} as ClusterRegistryOptions);
    if (host === undefined || typeof host.list !== 'function') {
      throw new InvalidInputError('ClusterRegistry needs the agent host: new ClusterRegistry({ host, redisUrl })', { key: 'host' });
    }
    const parsed = clusterRegistrySettingsSchema.safeParse(rest);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const key = issue.path.join('.');
      throw new InvalidInputError(`ClusterRegistry option ${key || '(options)'}: ${issue.message}`, { key });
    }
    const settings = (this.settings = parsed.data);
    if (settings.ttlMs <= settings.heartbeatIntervalMs) {
      throw new InvalidInputError(
        `ClusterRegistry ttlMs (${settings.ttlMs}) must be greater than heartbeatIntervalMs (${settings.heartbeatIntervalMs}), ` +
          'or live agents drop out between heartbeats; 3× the interval is a good margin',
        { key: 'ttlMs' },
      );
    }
    const connection = bullmqConnection(redisUrl, 'redisUrl');
    this.host = host;
    this.nodeId = settings.nodeId ?? `${this.hostName}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.keys = [`${settings.prefix}:cluster:agents`, `${settings.prefix}:cluster:agent-info`];
    this.reportError =
      onUnexpectedError ?? ((error) => process.emitWarning(`Cluster registry "${this.nodeId}": ${errorMessage(error)}`, 'ClusterRegistryWarning'));
    if (bus !== undefined) {
      const local = (event: { origin?: string }): void => {
        if (event.origin === undefined) this.beatSoon();
      };
      this.subscriptions.add(bus.subscribe('agent.started', local, { name: 'cluster-registry' }));
      this.subscriptions.add(bus.subscribe('agent.stopped', local, { name: 'cluster-registry' }));
    }
    // A heartbeat that cannot reach Redis fails after a few retries and is retried at the next one.
    this.redis = new Redis({ ...connection, maxRetriesPerRequest: 3, connectionName: 'orchestra-cluster-registry' });
    this.redis.on('error', this.reportError);
    this.firstBeat = this.beat();
    this.firstBeat.catch(() => undefined); // surfaced by ready()
  }

  /** A registry on the Redis named by `ORCHESTRA_REDIS_URL`. @throws InvalidInputError when it is unset or invalid. */
  static fromEnv(options: Omit<ClusterRegistryOptions, 'redisUrl'>, env: NodeJS.ProcessEnv = process.env): ClusterRegistry {
    return new ClusterRegistry({ ...options, redisUrl: redisUrlFromEnv(env) });
  }

  /** Resolves once the first heartbeat is written (this process's agents are listed); rejects if it failed. */
  ready(): Promise<void> {
    return this.firstBeat;
  }

  /**
   * Every live agent in the cluster (heartbeat not expired), ordered by node id then agent id.
   * Entries that are not what a registry writes are skipped and reported.
   * @throws CancelledError once the registry is closed.
   */
  async list(): Promise<ClusterAgent[]> {
    if (this.closing !== undefined) throw new CancelledError('The cluster registry is closed: list() needs an open registry');
    const reply = listReplySchema.safeParse(await this.redis.eval(LIST_SCRIPT, 2, ...this.keys));
    if (!reply.success) throw new InvalidInputError(`Unexpected reply from Redis to the registry's list script: ${reply.error.message}`);
    const [, live, infos] = reply.data;
    const agents: ClusterAgent[] = [];
    for (let i = 0; i < infos.length; i++) {
      const member = live[2 * i]!;
      const expiresAt = Number(live[2 * i + 1]);
      const json = infos[i];
      const entry = json == null ? undefined : entrySchema.safeParse(safeJson(json));
      if (entry === undefined || !entry.success) {
        this.reportError(
          new InvalidInputError(`Cluster registry entry "${member}" under ${this.keys[1]} is missing or malformed; skipped. Only ClusterRegistry should write these keys`, {
            key: member,
          }),
        );
        continue;
      }
      const { ttlMs, ...agent } = entry.data;
      agents.push({ ...agent, lastHeartbeat: expiresAt - ttlMs, expiresAt });
    }
    return agents.sort((a, b) => (a.nodeId === b.nodeId ? compare(a.id, b.id) : compare(a.nodeId, b.nodeId)));
  }

  /** Writes a heartbeat now (also done every `heartbeatIntervalMs`); resolves when it is written. */
  heartbeat(): Promise<void> {
    if (this.closing !== undefined) return Promise.resolve();
    return this.beat();
  }

  /**
   * Stops heartbeating, removes this process's agents from the registry, and closes the Redis
   * connection. Leaves no connection, timer or listener behind. Idempotent.
   */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.subscriptions.dispose();
    this.clearTimers();
    const inFlight = this.next ?? this.beating ?? Promise.resolve();
    this.closing = inFlight
      .then(noop, noop)
      .then(() => this.removeOwn())
      .catch((error: unknown) => this.reportError(error))
      .then(() => closeRedis(this.redis))
      .then(() => void this.redis.off('error', this.reportError));
    return this.closing;
  }

  /** Same as {@link close}, without waiting. */
  dispose(): void {
    void this.close();
  }

  // ---- heartbeats ------------------------------------------------------------------------------

  /** Runs a heartbeat now, or right after the one in flight (which may predate a change). */
  private beat(): Promise<void> {
    if (this.beating === undefined) return this.run();
    this.next ??= this.beating.then(noop, noop).then(() => {
      this.next = undefined;
      return this.closing === undefined ? this.run() : undefined;
    });
    return this.next;
  }

  private run(): Promise<void> {
    this.clearTimers();
    const run = this.write().finally(() => {
      this.beating = undefined;
      if (this.closing !== undefined || this.next !== undefined) return;
      // Not unref'd: the open Redis connection keeps the process alive anyway, until close().
      this.timer = setTimeout(this.onTimer, this.settings.heartbeatIntervalMs);
    });
    this.beating = run;
    return run;
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.beat().catch(this.reportError);
  };

  /** A heartbeat on the next turn of the event loop: several lifecycle events in a row cost one. */
  private beatSoon(): void {
    if (this.closing !== undefined || this.soon !== undefined) return;
    this.soon = setImmediate(() => {
      this.soon = undefined;
      if (this.closing !== undefined) return;
      this.beat().catch(this.reportError);
    });
  }

  private async write(): Promise<void> {
    const pairs: string[] = [];
    const members = new Set<string>();
    const { nodeId, settings } = this;
    for (const info of this.host.list()) {
      const member = `${nodeId}|${info.id}`;
      if (members.has(member)) continue;
      members.add(member);
      const entry: z.input<typeof entrySchema> = {
        id: info.id,
        kind: info.kind,
        capabilities: [...info.capabilities],
        permission: info.permission,
        status: info.health.status,
        nodeId,
        pid: process.pid,
        hostname: this.hostName,
        ttlMs: settings.ttlMs,
      };
      pairs.push(member, JSON.stringify(entry));
    }
    const removals = [...this.written].filter((member) => !members.has(member));
    await this.redis.eval(HEARTBEAT_SCRIPT, 2, ...this.keys, settings.ttlMs, removals.length, ...removals, ...pairs);
    this.written = members;
  }

  private async removeOwn(): Promise<void> {
    if (this.written.size === 0 || this.redis.status === 'end') return;
    await this.redis.eval(REMOVE_SCRIPT, 2, ...this.keys, ...this.written);
    this.written.clear();
  }

  private clearTimers(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.soon !== undefined) clearImmediate(this.soon);
    this.timer = undefined;
    this.soon = undefined;
  }
}

function noop(): void {}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
