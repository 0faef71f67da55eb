/** The agent runtime: the agent contract, the host that supervises agents, the cluster registry, and the worker pool. */
export * from './agent.js';
export { AgentHost, type AgentHostOptions, type AuthorizeHook, type AuthorizeRequest } from './agent-host.js';
export { backoffDelay } from './backoff-delay.js';
export { CircuitBreaker, type Admission, type CircuitState } from './circuit-breaker.js';
export {
  ClusterRegistry,
  clusterRegistrySettingsSchema,
  type AgentDirectory,
  type ClusterAgent,
  type ClusterRegistryOptions,
} from './cluster-registry.js';
export { HealthWindow } from './health-window.js';
export { PERMISSION_LEVELS, permissionRank } from './permission-rank.js';
export {
  parseSupervisionSettings,
  supervisionSettingsSchema,
  type SupervisionSettings,
  type SupervisionSettingsInput,
} from './supervision-settings.js';
export { validateAgent } from './validate-agent.js';
export { WorkerAgent, type WorkerAgentOptions } from './worker-agent.js';
export { WorkerPool, type WorkerPoolOptions, type WorkerRunOptions } from './worker-pool.js';
