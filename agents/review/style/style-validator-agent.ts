/**
 * The style-validator agent of the review swarm: ESLint over the files of a task, as findings with
 * fixes. It owns its ESLint instance cache, so stopping the agent frees the loaded configs and
 * parsers; a task's settings override the agent's own.
 */
import type { Finding } from '../../../shared/findings/finding.js';
import type { Agent, AgentContext, AgentTask } from '../../../shared/runtime/agent.js';
import type { PermissionLevel } from '../../../shared/bus/topics.js';
import { EslintInstanceCache } from './eslint-instance-cache.js';
import { lintFiles, STYLE_AGENT_ID } from './lint-files.js';
import { parseStyleOptions, parseWith, styleTaskInputSchema, type StyleOptions, type StyleOptionsInput } from './style-options.js';

/** Construction options of {@link StyleValidatorAgent}. */
export interface StyleValidatorAgentOptions extends StyleOptionsInput {
  /** Agent id (default `style-validator`); findings carry it. */
  id?: string;
  /** ESLint instances kept at most (one per resolved config); default 32. */
  maxInstances?: number;
}

/** Lints the files of each task with ESLint; capabilities `code_review` and `style`. */
export class StyleValidatorAgent implements Agent<unknown, Finding[]> {
  /** Unique within a host. */
  readonly id: string;
  /** A review agent. */
  readonly kind = 'review';
  /** What it can do. */
  readonly capabilities = ['code_review', 'style'] as const;
  /** It reads content and config; it never writes or executes project code other than the config. */
  readonly permission: PermissionLevel = 'read_only';
  /** The ESLint instances this agent reuses across tasks (exposed for health and tests). */
  readonly cache: EslintInstanceCache;
  private readonly settings: StyleOptions;

  constructor(options: StyleValidatorAgentOptions = {}) {
    const { id = STYLE_AGENT_ID, maxInstances, ...settings } = options;
    this.id = id;
    this.settings = parseStyleOptions(settings);
    this.cache = new EslintInstanceCache(maxInstances);
  }

  /** Lints `task.input` (`{ root, files: [{ path, text }], options? }`); rejects bad input with InvalidInputError. */
  async handle(task: AgentTask<unknown>, context: AgentContext): Promise<Finding[]> {
    const input = parseWith(styleTaskInputSchema, task.input, `input of task '${task.id}' for agent '${this.id}'`);
    return lintFiles(input.root, input.files, {
      ...this.settings,
      ...(input.options ?? {}),
      signal: context.signal,
      cache: this.cache,
      agent: this.id,
    });
  }

  /** Frees the cached ESLint instances. */
  stop(): void {
    this.cache.clear();
  }
}
