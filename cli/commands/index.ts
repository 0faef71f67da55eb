/**
 * Every CLI command, in the order `orchestra --help` lists them. A command's module is loaded only
 * when it runs (or its usage is shown): `orchestra triage` does not pay for ESLint and tree-sitter,
 * nor `orchestra review` for Probot.
 */
import type { Command } from '../command.js';

/** What the command list needs without loading the command. */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  { name: 'review', summary: 'Review code with the review swarm (syntax, style, security, complexity)', load: async () => (await import('./review.js')).reviewCommand },
  { name: 'triage', summary: 'Find where and why a failure happened, from its output', load: async () => (await import('./triage.js')).triageCommand },
  { name: 'bisect', summary: 'Find the commit that made a command fail (in a separate worktree)', load: async () => (await import('./bisect.js')).bisectCommand },
  { name: 'revert', summary: 'Propose reverting a commit on a new branch (asks for approval; audited)', load: async () => (await import('./revert.js')).revertCommand },
  { name: 'serve', summary: 'Watch and review a folder, serve the dashboard; the GitHub App endpoint when configured', load: async () => (await import('./serve.js')).serveCommand },
  { name: 'worker', summary: 'Run GitHub App review workers that take jobs from Redis', load: async () => (await import('./serve.js')).workerCommand },
  { name: 'audit', summary: 'Verify or show the hash-chained audit trail', load: async () => (await import('./audit.js')).auditCommand },
  { name: 'schema', summary: 'Write or check the config JSON schema', load: async () => (await import('./schema.js')).schemaCommand },
];
