/**
 * The typed topics of the event bus and their payloads. Every host and agent imports these, so a
 * topic's payload is defined once. Add a topic here (and say who publishes it) before using it.
 */

/** Permission levels, least to most powerful (see governance/permissions.ts). */
export type PermissionLevel = 'read_only' | 'read_write' | 'execute' | 'critical';

/** Lifecycle status of an agent as the runtime sees it. */
export type AgentStatus = 'starting' | 'idle' | 'busy' | 'stopping' | 'stopped' | 'crashed' | 'circuit_open';

/** Payloads by topic. */
export interface TopicMap {
  /** Commits arrived (local commit, push webhook). */
  'code.pushed': { repo: string; ref: string; before?: string; after: string; files?: string[] };
  /** A file was saved in an editor or changed on disk. */
  'file.saved': { path: string; content?: string };
  'file.changed': { path: string; kind: 'add' | 'change' | 'unlink' };
  /** A pull request was opened or updated. */
  'pr.opened': { repo: string; number: number; headSha: string; baseSha?: string };
  'pr.updated': { repo: string; number: number; headSha: string; baseSha?: string };
  /** A failure was observed: a red test, a crash log, a failed CI run. */
  'error.detected': {
    source: string;
    message: string;
    file?: string;
    line?: number;
    stack?: string;
    fingerprint?: string;
  };
  /** The error swarm traced a failure: where (the first frame in the project's own code) and the first suggestion. */
  'error.triaged': {
    source: string;
    fingerprint: string;
    message: string;
    count: number;
    file?: string;
    line?: number;
    suggestion?: string;
  };
  /** The culprit finder named (or failed to name) the commit that introduced a failure. */
  'error.culprit': { status: string; sha?: string; subject?: string; runs: number; confidence?: number };
  /** A person asked for something (chat, palette, PR comment, CLI). */
  'user.command': { text: string; user?: string; origin: string };
  /** Agent lifecycle, published by the AgentHost. */
  'agent.started': { agentId: string; kind: string };
  'agent.stopped': { agentId: string; kind: string; reason?: string };
  'agent.crashed': { agentId: string; kind: string; error: string; restarts: number };
  'agent.restarted': { agentId: string; kind: string; attempt: number };
  'agent.circuit_opened': { agentId: string; kind: string; failures: number };
  'agent.circuit_closed': { agentId: string; kind: string };
  'agent.task.started': { agentId: string; taskId: string; type: string };
  'agent.task.completed': { agentId: string; taskId: string; type: string; durationMs: number };
  'agent.task.failed': { agentId: string; taskId: string; type: string; durationMs: number; error: string };
  'agent.task.timed_out': { agentId: string; taskId: string; type: string; deadlineMs: number };
  /** The caller, a stop or a crash cancelled the task: not a failure, but it closes the task's story. */
  'agent.task.cancelled': { agentId: string; taskId: string; type: string; durationMs: number; reason: string };
  /** A handler threw: the bus isolates it and reports it here. */
  'bus.handler_failed': { subscription: string; topic: string; eventId: string; error: string };
  /** Events dropped by a drop-oldest / drop-newest subscription. */
  'bus.dropped': { subscription: string; dropped: number };
  /** Task queue completion events. */
  'task.completed': { taskId: string; name: string; attempts: number; durationMs: number };
  'task.failed': { taskId: string; name: string; attempts: number; error: string; final: boolean };
  'task.cancelled': { taskId: string; name: string };
  /** An agent produced findings (the review swarm). */
  'finding.reported': { agentId: string; count: number; file?: string };
  /** Governance: an action needs a person's approval; hosts answer with approval.decided. */
  'approval.requested': {
    requestId: string;
    agentId: string;
    action: string;
    level: PermissionLevel;
    summary: string;
    expiresAt: number;
  };
  'approval.decided': { requestId: string; approved: boolean; by: string; reason?: string };
  /** Telemetry: high-rate, may be dropped by consumers. */
  'telemetry.metric': { name: string; value: number; labels?: Record<string, string> };
}

/** A topic name. */
export type Topic = keyof TopicMap & string;

/**
 * A subscription pattern: an exact topic, or dot-separated segments where `*` matches exactly one
 * segment and `**` matches one or more segments at the end (`error.*`, `agent.**`). A lone `*` or
 * `**` matches every topic.
 */
export type TopicPattern = Topic | (string & {});

/** An event as delivered: the payload plus the metadata every event carries. */
export interface OrchestraEvent<T extends Topic = Topic> {
  /** Unique id of this event. */
  readonly id: string;
  readonly topic: T;
  /** Shared by every event caused, directly or not, by the same root event. */
  readonly traceId: string;
  /** Id of the event that caused this one, if any. */
  readonly causationId: string | undefined;
  /** Milliseconds since the epoch when published. */
  readonly timestamp: number;
  /** Who published it (an agent id, a host name). */
  readonly source: string;
  readonly payload: TopicMap[T];
  /**
   * Set only on an event that was published in another process and relayed here by a bridge
   * (redis-bus-bridge.ts): the id of the bridge node it came from. Bridges never forward such events.
   */
  readonly origin?: string;
}

/** Payload of an event whose topic matched a pattern: the union over the topics it may be. */
export type AnyEvent = { [T in Topic]: OrchestraEvent<T> }[Topic];
