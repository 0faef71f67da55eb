/**
 * The parts of a {@link ReviewRequest} that come from an Orchestra config's `review` section: which
 * agents run, rule settings (with per-agent severity overrides), thresholds, ESLint options and the
 * filter. The CLI and the GitHub App build their requests from it, so a config means the same in both.
 */
import type { OrchestraConfig } from '../../../shared/config/index.js';
import type { FilterMode } from '../diff/diff-filter.js';
import { FILE_AGENTS, type FileAgent } from './analyze-batch.js';
import type { ReviewRequest } from './review-swarm.js';

/** Request fields derived from the config. */
export type ConfiguredReview = Pick<ReviewRequest, 'agents' | 'rules' | 'thresholds' | 'style'> & {
  agents: FileAgent[];
  filter: FilterMode;
  failOn: OrchestraConfig['review']['failOn'];
};

const FAMILIES: Record<FileAgent, string> = { syntax: 'syntax/*', style: 'eslint/*', security: 'security/*', complexity: 'complexity/*' };

/**
 * Maps `config.review` to request fields.
 * @param options.repoEslintConfig Whether the repository's own ESLint config may be loaded. Loading it
 *   runs repository code (eslint.config.js is a module): a host reviewing untrusted code passes false.
 */
export function reviewFromConfig(config: OrchestraConfig, options: { repoEslintConfig?: boolean } = {}): ConfiguredReview {
  const review = config.review;
  const rules: NonNullable<ReviewRequest['rules']> = { rules: { ...review.rules }, ignore: review.ignore };
  // Per-agent severity overrides in the config apply to every rule of that agent.
  for (const agent of FILE_AGENTS) {
    const severity = review.agents[agent].severity;
    if (severity && rules.rules![FAMILIES[agent]] === undefined) rules.rules![FAMILIES[agent]] = severity;
  }
  const useRepoConfig = (options.repoEslintConfig ?? true) && review.eslint.useRepoConfig;
  return {
    agents: FILE_AGENTS.filter((a) => review.agents[a].enabled),
    rules,
    thresholds: review.complexity,
    style: { useRepoConfig, ...(useRepoConfig && review.eslint.configFile ? { configFile: review.eslint.configFile } : {}) },
    filter: review.filter,
    failOn: review.failOn,
  };
}
