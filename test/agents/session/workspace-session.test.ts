/**
 * The workspace session and the intent executor on a real git repository: reviews record findings,
 * superseded reviews are cancelled, spawned agents really scan, configuration really changes what is
 * reported, and every answer comes from real state.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { executeIntent, type IntentHost } from '../../../agents/session/execute-intent.js';
import { WorkspaceSession } from '../../../agents/session/workspace-session.js';
import { withPermission, type IntentBody } from '../../../shared/intents/intent-schema.js';
import { makeRepo, type TempRepo } from '../../helpers/git-repo.js';
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const VULN = "const cp = require('child_process');\nmodule.exports = (req) => cp.exec('ls ' + req.query.dir);\n";
const COMPLEX = `function f(a, b, c, d) {\n${Array.from({ length: 14 }, (_, i) => `  if (a === ${i}) { if (b) { if (c) { return d; } } }`).join('\n')}\n  return 0;\n}\nmodule.exports = f;\n`;

let repo: TempRepo;
let session: WorkspaceSession;
let lowPower = false;
const settings = { agents: ['syntax', 'style', 'security', 'complexity'] as ('syntax' | 'style' | 'security' | 'complexity')[], newCodeOnly: false };
let confirmations = 0;
const host = (): IntentHost => ({ session, settings: () => settings, setLowPower: (on) => (lowPower = on), confirm: async () => (confirmations++, true) });
const run = (body: IntentBody) => executeIntent(withPermission(body), host());

beforeAll(async () => {
  repo = makeRepo('orchestra-session-');
  repo.write('src/run.js', VULN);
  repo.write('tests/complex.js', COMPLEX);
  repo.write('src/ok.js', 'module.exports = 1;\n');
  repo.commit('initial');
  session = await WorkspaceSession.create({ root: repo.dir, version: 'test', threads: 0 });
});

afterAll(async () => {
  await session?.close();
  repo?.cleanup();
});

describe('WorkspaceSession', () => {
  it('reviews files and keeps their findings; listeners hear which files changed', async () => {
    const heard: string[][] = [];
    const sub = session.onDidChangeFindings((files) => heard.push(files));
    await session.review(['src/run.js', 'tests/complex.js'], settings);
    sub.dispose();
    expect(session.findings.get('src/run.js')?.map((f) => f.ruleId)).toContain('security/command-injection');
    expect(session.findings.get('tests/complex.js')?.some((f) => f.ruleId.startsWith('complexity/'))).toBe(true);
    expect(heard[0]).toEqual(expect.arrayContaining(['src/run.js', 'tests/complex.js']));
    const snap = session.snapshot();
    expect(snap.findings.error).toBeGreaterThan(0);
    expect(snap.agents.length).toBeGreaterThan(0);
    expect(snap.activity.length).toBeGreaterThan(0);
  });

  it("applies the repository's config, reloaded when it changes; an invalid one leaves the defaults and says why", async () => {
    repo.write('orchestra.config.json', JSON.stringify({ review: { rules: { 'security/command-injection': 'off' } } }));
    await session.reloadConfig();
    await session.review(['src/run.js'], settings);
    expect((session.findings.get('src/run.js') ?? []).map((f) => f.ruleId)).not.toContain('security/command-injection');
    repo.write('orchestra.config.json', '{ "review": { "failOn": "sometimes" } }');
    await session.reloadConfig();
    expect(session.configProblem).toMatch(/review\.failOn/);
    await session.review(['src/run.js'], settings);
    expect(session.findings.get('src/run.js')?.map((f) => f.ruleId)).toContain('security/command-injection');
    rmSync(join(repo.dir, 'orchestra.config.json'));
    await session.reloadConfig();
    expect(session.configProblem).toBeUndefined();
  });

  it('publishes code.pushed when a commit moves HEAD', async () => {
    const pushed: { before?: string; after: string; ref: string }[] = [];
    const sub = session.bus.subscribe('code.pushed', (e) => void pushed.push(e.payload), { name: 'test-pushed' });
    const watching = await session.watchGit();
    const before = repo.git('rev-parse', 'HEAD').trim();
    await new Promise((r) => setTimeout(r, 300));
    repo.write('docs/new.js', 'module.exports = 2;\n');
    const after = repo.commit('second');
    for (let i = 0; i < 200 && pushed.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    watching.dispose();
    sub.dispose();
    expect(pushed[0]).toEqual({ repo: repo.dir, ref: 'main', before, after });
  });

  it('a newer scheduled review of the same file supersedes the pending one', async () => {
    const first = session.scheduleReview(['src/ok.js'], settings, 50);
    const second = session.scheduleReview(['src/ok.js'], settings, 10);
    expect(await first).toBeUndefined();
    expect((await second)?.filesReviewed).toBe(1);
  });
});

describe('executeIntent', () => {
  it('answers "how are the agents" from the running agents', async () => {
    const answer = await run({ type: 'monitor', question: 'status' });
    for (const a of session.agents()) expect(answer).toContain(a.id);
    expect(answer).toMatch(/review\(s\) so far/);
  });

  it('spawns security scanners that really scan the scope and report what they found', async () => {
    const answer = await run({ type: 'spawn', agentKind: 'security-scanner', count: 2, scope: { paths: ['src'] } });
    expect(answer).toMatch(/Spawned `security-scanner-1`, `security-scanner-2`/);
    expect(answer).toMatch(/scanned 2 file\(s\) under src: 1 finding/);
    expect(session.spawned.list().map((a) => a.id).sort()).toEqual(['security-scanner-1', 'security-scanner-2']);
    expect(session.spawned.list().reduce((n, a) => n + a.health.tasksProcessed, 0)).toBeGreaterThanOrEqual(1);
  });

  it('turns the complexity agent off for tests/ and the findings there disappear', async () => {
    expect(session.findings.get('tests/complex.js')?.some((f) => f.agent === 'complexity-analyzer')).toBe(true);
    expect(await run({ type: 'configure', target: { agents: 'complexity-analyzer', paths: ['tests'] }, setting: { enabled: false } })).toMatch(/complexity-analyzer turned off for tests/);
    expect(session.findings.get('tests/complex.js')?.some((f) => f.agent === 'complexity-analyzer')).toBe(false);
    await session.review(['tests/complex.js'], settings);
    expect((session.findings.get('tests/complex.js') ?? []).some((f) => f.agent === 'complexity-analyzer')).toBe(false);
  });

  it('sets low-power mode and says what it means', async () => {
    expect(await run({ type: 'configure', target: { agents: 'background' }, setting: { powerMode: 'low' } })).toMatch(/Low-power mode is on/);
    expect(lowPower).toBe(true);
  });

  it('asks before an execute-level intent, and does nothing when refused', async () => {
    const before = confirmations;
    expect(await run({ type: 'spawn', agentKind: 'test-runner', count: 1, scope: {} })).toMatch(/orchestra review --agents tests/);
    expect(confirmations).toBe(before + 1);
    const refusing = { ...host(), confirm: async () => false };
    expect(await executeIntent(withPermission({ type: 'spawn', agentKind: 'test-runner', count: 1, scope: {} }), refusing)).toMatch(/^Cancelled: .*execute/);
  });

  it('starts a log watcher whose errors become error events; the sensitivity decides what counts', async () => {
    const events: string[] = [];
    const sub = session.bus.subscribe('error.detected', (e) => void events.push(e.payload.message), { name: 'test-errors' });
    repo.write('logs/app.log', 'INFO starting\n');
    expect(await run({ type: 'spawn', agentKind: 'log-watcher', count: 1, scope: { file: 'logs/app.log' } })).toMatch(/`log-watcher-1` is following logs\/app.log/);
    await new Promise((r) => setTimeout(r, 300));
    appendFileSync(join(repo.dir, 'logs/app.log'), 'INFO ok\nWARN disk 91% full\nERROR database connection refused\n');
    for (let i = 0; i < 100 && events.length < 1; i++) await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual(['database connection refused']);
    expect(await run({ type: 'configure', target: { agents: 'all' }, setting: { area: 'error-monitoring', sensitivity: 'warning' } })).toMatch(/errors and warnings/);
    appendFileSync(join(repo.dir, 'logs/app.log'), 'WARN disk 97% full\n');
    for (let i = 0; i < 100 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(events[1]).toMatch(/disk 97% full/);
    expect(await run({ type: 'configure', target: { agents: 'all' }, setting: { area: 'error-monitoring', sensitivity: 'critical' } })).toMatch(/only crashes/);
    expect(session.errors.sensitivity).toBe('critical');
    sub.dispose();
    expect(session.agents().some((a) => a.id === 'log-watcher-1' && a.kind === 'watcher')).toBe(true);
    expect(await run({ type: 'stop', agent: 'log-watcher-1' })).toMatch(/Stopped `log-watcher-1`/);
  });

  it('says absent what is not built (learned patterns), and runs a cascade on the latest traced failure', async () => {
    expect(await run({ type: 'monitor', question: 'patterns' })).toMatch(/No learner agents exist yet/);
    session.errors.clear();
    expect(await run({ type: 'orchestrate', kind: 'cascade', condition: 'error', steps: ['debug', 'fix', 'test'] })).toMatch(/none has been traced yet/);
    repo.write('src/crash.js', "const config = undefined;\nmodule.exports = () => config.port;\n");
    await session.errors.triage(`TypeError: Cannot read properties of undefined (reading 'port')\n    at module.exports (${join(repo.dir, 'src/crash.js')}:2:33)\n    at Object.<anonymous> (${join(repo.dir, 'main.js')}:1:1)\n`, { source: 'test' });
    const answer = await run({ type: 'orchestrate', kind: 'cascade', condition: 'error', steps: ['debug', 'fix', 'test'] });
    expect(answer).toMatch(/1\. \*\*debug\*\* \(stack-tracer\): at `src\/crash.js:2`/);
    expect(answer).toMatch(/2\. \*\*fix\*\* \(fix-suggester\): .*port/);
    expect(answer).toMatch(/3\. \*\*test\*\*: not run/);
  });

  it('runs a chain step by step and names the steps it cannot run', async () => {
    const answer = await run({ type: 'orchestrate', kind: 'chain', steps: ['syntax', 'security', 'summary'], scope: { changed: false } });
    expect(answer).toMatch(/1\. \*\*syntax\*\*/);
    expect(answer).toMatch(/2\. \*\*security\*\*.*finding/);
    expect(answer).toMatch(/Not run: summary/);
  });

  it('explains a finding by fingerprint, and stops spawned agents', async () => {
    const f = session.findings.get('src/run.js')!.find((x) => x.ruleId === 'security/command-injection')!;
    expect(await run({ type: 'explain', target: f.fingerprint })).toMatch(/CWE-78/);
    expect(await run({ type: 'stop', agent: 'security-scanner' })).toMatch(/Stopped `security-scanner-1`, `security-scanner-2`/);
    expect(session.spawned.list()).toHaveLength(0);
  });

  it('explains the latest traced failure with no target, and a traced failure by its fingerprint', async () => {
    session.errors.clear();
    expect(await run({ type: 'explain' })).toMatch(/^No failure has been traced yet/);
    repo.write('src/boom.js', "module.exports = (cfg) => cfg.server.port;\n");
    const crash = [
      "TypeError: Cannot read properties of undefined (reading 'port')",
      `    at module.exports (${join(repo.dir, 'src', 'boom.js')}:1:38)`,
      '    at Object.<anonymous> (/usr/lib/node_modules/x/index.js:3:1)',
    ].join('\n');
    const report = await session.errors.triage(crash, { source: 'terminal: node src/boom.js' });
    const fingerprint = report.items[0]!.group.fingerprint;
    const latest = await run({ type: 'explain' });
    expect(latest).toMatch(/^\*\*Failure from terminal: node src\/boom\.js\*\*/);
    expect(latest).toContain('At `src/boom.js:1`');
    expect(latest).toContain("TypeError: Cannot read properties of undefined \\(reading 'port'\\)");
    expect(await run({ type: 'explain', target: fingerprint })).toBe(latest);
    expect(await run({ type: 'explain', target: '0123456789abcdef' })).toBe('No current finding or traced failure matches `0123456789abcdef`.');
    session.errors.clear();
  });
});
