import { describe, expect, it } from '@jest/globals';
import type { EventBus } from '../../../../shared/bus/event-bus.js';
import type { AnyEvent, OrchestraEvent, Topic, TopicMap } from '../../../../shared/bus/topics.js';
import { CancelledError, InvalidInputError } from '../../../../shared/errors/errors.js';
import type { AgentContext } from '../../../../shared/runtime/agent.js';
import { SecurityScannerAgent } from '../../../../agents/review/security/index.js';

/** A bus that records what is published. */
function recordingBus(): EventBus & { published: { topic: Topic; payload: unknown }[] } {
  const published: { topic: Topic; payload: unknown }[] = [];
  return {
    published,
    async publish<T extends Topic>(topic: T, payload: TopicMap[T]): Promise<OrchestraEvent<T>> {
      published.push({ topic, payload });
      return { id: String(published.length), topic, traceId: 't', causationId: undefined, timestamp: 0, source: 'test', payload };
    },
    subscribe: () => ({ dispose() {} }),
    recent: (): readonly AnyEvent[] => [],
    idle: async () => {},
    dispose() {},
  };
}

function context(bus: EventBus, signal = new AbortController().signal): AgentContext {
  return { signal, deadline: Date.now() + 60_000, bus };
}

describe('SecurityScannerAgent', () => {
  it('declares what it does and scans the files of a task', async () => {
    const agent = new SecurityScannerAgent();
    expect(agent).toMatchObject({ id: 'security-scanner', kind: 'review', permission: 'read_only' });
    expect(agent.capabilities).toContain('security_scan');
    await agent.start();
    const bus = recordingBus();
    const findings = await agent.handle(
      {
        id: 't1',
        type: 'security_scan',
        input: {
          files: [
            { path: 'src/a.js', text: "const cp = require('child_process');\napp.get('/', (req) => cp.exec('ls ' + req.query.dir));\n" },
            { path: 'src/clean.py', text: 'print("hello")\n' },
            { path: 'README.md', text: '# docs' },
          ],
        },
      },
      context(bus),
    );
    expect(findings.map((f) => [f.file, f.ruleId, f.range.start.line])).toEqual([['src/a.js', 'security/command-injection', 2]]);
    expect(bus.published).toEqual([{ topic: 'finding.reported', payload: { agentId: 'security-scanner', count: 1, file: 'src/a.js' } }]);
  });

  it('rejects invalid input with the key to fix', async () => {
    const agent = new SecurityScannerAgent({ id: 'sec-2' });
    const bus = recordingBus();
    await expect(agent.handle({ id: 't', type: 'security_scan', input: { files: [{ path: '', text: 'x' }] } }, context(bus))).rejects.toThrow(InvalidInputError);
    await expect(agent.handle({ id: 't', type: 'security_scan', input: { files: [{ path: '', text: 'x' }] } }, context(bus))).rejects.toThrow(/files\.0\.path/);
    await expect(agent.handle({ id: 't', type: 'security_scan', input: { files: [] } }, context(bus))).rejects.toThrow(/at least one file/);
    await expect(agent.handle({ id: 't', type: 'security_scan', input: 'nope' }, context(bus))).rejects.toThrow(InvalidInputError);
  });

  it('honours cancellation between files', async () => {
    const agent = new SecurityScannerAgent();
    const controller = new AbortController();
    controller.abort();
    await expect(agent.handle({ id: 't', type: 'security_scan', input: { files: [{ path: 'a.js', text: 'eval(x)' }] } }, context(recordingBus(), controller.signal))).rejects.toThrow(CancelledError);
  });
});
