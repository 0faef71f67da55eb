/**
 * `npm run bench -- telemetry`: what telemetry costs.
 * - Logging: lines/s of the redacting logger (pino + redact paths + governance redaction of every
 *   field and message) against plain pino with the same destination and the same calls. The ratio
 *   is the price of "no secret in the logs".
 * - Metrics: deliveries/s of the in-process bus wrapped by `instrumentBus` against the same bus
 *   unwrapped (one sync subscriber).
 * - Config: parse + validation time of a realistic YAML config, and of a hostile 250 KB one
 *   (no peer; the hostile case shows the worst a config file can cost a host).
 */
import pino from 'pino';
import { InProcessEventBus } from '../shared/bus/in-process-bus.js';
import { parseConfig, validateConfig } from '../shared/config/parse-config.js';
import { createLogger } from '../shared/telemetry/create-logger.js';
import { createMetrics } from '../shared/telemetry/create-metrics.js';
import { instrumentBus } from '../shared/telemetry/instrument-bus.js';
import type { EventBus } from '../shared/bus/event-bus.js';
import { compare, interleave, median, secondsSince, type BenchSuite } from './harness.js';

const RUNS = 5;
const LINES = 20_000;
const EVENTS = 200_000;

let sink = 0;
const nullDestination = { write: (line: string) => void (sink += line.length) };

/** The same calls for both loggers: a message, a context object with a nested header, an error. */
function logLines(logger: pino.Logger): number {
  const error = new Error('upstream returned 502');
  const start = process.hrtime.bigint();
  for (let i = 0; i < LINES; i++) {
    const kind = i % 3;
    if (kind === 0) logger.info({ agent: 'security', taskId: `t-${i}`, durationMs: 12 }, 'task completed');
    else if (kind === 1) logger.info({ req: { method: 'POST', url: '/webhooks', headers: { 'content-type': 'application/json' } } }, 'webhook received');
    else logger.warn({ err: error, attempt: 2 }, 'retrying');
  }
  return LINES / secondsSince(start);
}

async function deliveries(wrap: boolean): Promise<number> {
  const raw = new InProcessEventBus();
  const metrics = createMetrics();
  const bus: EventBus = wrap ? instrumentBus(raw, metrics) : raw;
  bus.subscribe('telemetry.metric', (e) => void (sink += e.payload.value), { queueLimit: 4096 });
  const payload = { name: 'x', value: 1 };
  const start = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) await bus.publish('telemetry.metric', payload);
  await bus.idle();
  const rate = EVENTS / secondsSince(start);
  raw.dispose();
  metrics.dispose();
  return rate;
}

const REALISTIC = `review:
  failOn: warning
  filter: added
  ignore: ["**/node_modules/**", "dist/**", "**/*.snap"]
  agents:
    security: { severity: error, minConfidence: 0.7 }
    tests: { run: true, command: "npm test --", timeoutMs: 300000 }
  rules:
    "security/command-injection": error
    "@typescript-eslint/no-explicit-any": off
  complexity: { cyclomatic: 12, cognitive: 20 }
error:
  logs: ["logs/*.log"]
  bisect: { maxRuns: 10 }
permissions:
  grants: { rollback-agent: critical }
  trustedRepository: true
llm: { provider: ollama, model: llama3.1, baseUrl: "http://127.0.0.1:11434" }
`;

const HOSTILE = Array.from({ length: 20_000 }, (_, i) => `k${i}: 1`).join('\n');

function millisecondsPer(fn: () => void, repeat: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < repeat; i++) fn();
  return (secondsSince(start) * 1000) / repeat;
}

const suite: BenchSuite = {
  name: 'telemetry',
  async run(report) {
    const ours = createLogger({ name: 'bench', destination: nullDestination });
    const peer = pino({ name: 'bench' }, nullDestination);
    const logs = await interleave(RUNS, { ours: () => logLines(ours), peer: () => logLines(peer) });
    report(compare({ bench: 'telemetry', case: 'log lines (redacting vs plain)', metric: 'lines/s', runs: RUNS, stat: 'median', unit: 'lines/s' }, median(logs['ours']!), 'pino', median(logs['peer']!)));
    ours.dispose();

    const bus = await interleave(RUNS, { ours: () => deliveries(true), peer: () => deliveries(false) });
    report(compare({ bench: 'telemetry', case: 'bus deliveries, instrumented', metric: 'deliveries/s', runs: RUNS, stat: 'median', unit: 'events/s' }, median(bus['ours']!), 'uninstrumented bus', median(bus['peer']!)));

    const realistic = await interleave(RUNS, { ours: () => millisecondsPer(() => parseConfig(REALISTIC, 'orchestra.config.yaml'), 200) });
    report(compare({ bench: 'telemetry', case: 'config parse, realistic YAML', metric: 'ms/parse', runs: RUNS, stat: 'median', better: 'lower', unit: 'ms' }, median(realistic['ours']!), null, null));
    const hostile = await interleave(RUNS, { ours: () => millisecondsPer(() => validateConfig(HOSTILE, 'orchestra.config.yaml'), 1) });
    report(compare({ bench: 'telemetry', case: 'config validate, hostile 190 KB', metric: 'ms/validate', runs: RUNS, stat: 'median', better: 'lower', unit: 'ms' }, median(hostile['ours']!), null, null));
    if (sink === -1) process.stderr.write('unreachable\n');
  },
};

export default suite;
