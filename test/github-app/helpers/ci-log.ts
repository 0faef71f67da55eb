/**
 * Real CI output for the GitHub App's triage tests: a small project is written where a GitHub-hosted
 * runner checks a repository out (`…/home/runner/work/REPO/REPO`, under a temp folder), its failing
 * test suite is really run, and the output is wrapped the way GitHub Actions stores a job log: a BOM,
 * a timestamp on every line, one `##[group]` per step, `##[error]Process completed with exit code N.`
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { structuredPatch } from 'diff';

/** A project checked out as a runner would, and what running its tests printed. */
export interface CiRun {
  /** `$GITHUB_WORKSPACE`: the checkout's absolute path. */
  workspace: string;
  /** stdout and stderr, interleaved as they arrived (a runner merges them too). */
  output: string;
  exitCode: number | null;
  dispose(): Promise<void>;
}

/** Writes `files` into a fresh runner-like workspace for `repo` and runs `command` there. */
export async function runCi(repo: string, files: Record<string, string>, command: string[]): Promise<CiRun> {
  const base = await mkdtemp(join(tmpdir(), 'orchestra-ci-'));
  const workspace = join(base, 'home', 'runner', 'work', repo, repo);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(workspace, path)), { recursive: true });
    await writeFile(join(workspace, path), text);
  }
  const [bin, ...args] = command as [string, ...string[]];
  const chunks: Buffer[] = [];
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: workspace,
      env: { PATH: process.env.PATH ?? '', HOME: base, CI: 'true', NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  return { workspace, output: Buffer.concat(chunks).toString('utf8'), exitCode, dispose: () => rm(base, { recursive: true, force: true }) };
}

/** One step of a job log. */
export interface LogStep {
  /** As the runner prints it in the group header, e.g. `Run npm test`. */
  name: string;
  /** Lines inside the group (the step's inputs), then `output` after it. */
  header?: string[];
  output?: string;
  /** Exit code of a failing `run` step. */
  exitCode?: number;
}

/** A GitHub Actions job log: BOM, one ISO timestamp with 7 fractional digits per line, one group per step. */
export function actionsJobLog(options: { repoFullName: string; workspace: string; steps: LogStep[]; start?: Date }): string {
  let clock = (options.start ?? new Date('2024-05-01T10:00:00Z')).getTime();
  const lines: string[] = [];
  const add = (text: string) => {
    clock += 37;
    lines.push(`${new Date(clock).toISOString().replace(/Z$/, '0000Z')} ${text}`);
  };
  for (const text of ['Current runner version: \'2.317.0\'', '##[group]Operating System', 'Ubuntu', '22.04.4', 'LTS', '##[endgroup]', '##[group]Runner Image', 'Image: ubuntu-22.04', '##[endgroup]', 'Secret source: Actions', 'Prepare workflow directory', 'Prepare all required actions', "Getting action download info", "Download action repository 'actions/checkout@v4' (SHA:692973e3d937129bcbf40652eb9f2f61becf3332)", 'Complete job name: test (20.x)']) add(text);
  add('##[group]Run actions/checkout@v4');
  for (const text of ['with:', `  repository: ${options.repoFullName}`, '  token: ***', '  ssh-strict: true', '##[endgroup]', `Syncing repository: ${options.repoFullName}`, `[command]/usr/bin/git init ${options.workspace}`, `Initialized empty Git repository in ${options.workspace}/.git/`]) add(text);
  for (const step of options.steps) {
    add(`##[group]${step.name}`);
    for (const text of step.header ?? []) add(text);
    add('##[endgroup]');
    for (const text of (step.output ?? '').replace(/\n$/, '').split('\n')) if (step.output) add(text);
    if (step.exitCode !== undefined && step.exitCode !== 0) add(`##[error]Process completed with exit code ${step.exitCode}.`);
  }
  for (const text of ['Post job cleanup.', '[command]/usr/bin/git version', 'git version 2.45.1', 'Cleaning up orphan processes']) add(text);
  return `\uFEFF${lines.join('\n')}\n`;
}

/** GitHub's `patch` field for a change of one file: the hunks of a unified diff, no header. */
export function githubPatch(before: string, after: string): string {
  const { hunks } = structuredPatch('a', 'b', before, after, '', '', { context: 3 });
  // Unified diff (and GitHub) number an empty side from the line before it: `@@ -0,0 +1,2 @@`.
  return hunks.map((h) => [`@@ -${h.oldLines === 0 ? h.oldStart - 1 : h.oldStart},${h.oldLines} +${h.newLines === 0 ? h.newStart - 1 : h.newStart},${h.newLines} @@`, ...h.lines].join('\n')).join('\n');
}
