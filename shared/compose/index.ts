/**
 * Composition over an {@link AgentDispatcher}: typed chains, swarms with consensus, best-of-N races,
 * condition-gated cascades and YAML pipelines.
 */
export type { AgentDispatcher } from '../runtime/agent.js';
export { AgentChain, chain, type ChainOptions, type ChainResult, type StepRecord } from './agent-chain.js';
export { AgentPicker, type PickStrategy } from './agent-picker.js';
export { agentStrategies, bestOfN, type BestOfOptions, type BestOfResult, type Contender, type ContenderStatus, type Strategy } from './best-of-n.js';
export { Cascade, cascade, type CascadeOptions, type CascadeResult, type Condition, type ConditionContext } from './cascade.js';
export {
  majorityVote,
  mergeFindings,
  voteByTask,
  type Label,
  type MergedFinding,
  type TaskOutput,
  type Vote,
  type VoteOptions,
  type VoteResult,
  type VoteTally,
} from './consensus.js';
export { DeadlineScope, type DeadlineScopeOptions } from './deadline-scope.js';
export { MAX_ALIAS_COUNT, MAX_DEPTH, MAX_PIPELINE_BYTES, Pipeline, type PipelineResult, type PipelineSourceOptions } from './pipeline.js';
export { pipelineJsonSchema, pipelineSchema, type ConditionDefinition, type PipelineDefinition, type StepDefinition } from './pipeline-schema.js';
export type { RunOptions } from './run-step.js';
export { step, type DispatchStepOptions, type LocalStepOptions, type OutputParser, type Step, type StepContext, type StepTarget } from './step.js';
export {
  Swarm,
  type CompletedTask,
  type FailedTask,
  type SwarmGathered,
  type SwarmOptions,
  type SwarmResult,
  type SwarmRunOptions,
  type SwarmTask,
  type TimedOutTask,
} from './swarm.js';
