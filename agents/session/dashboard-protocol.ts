/**
 * The messages between the extension host and its webviews (dashboard, chat panel), one zod schema
 * imported by both sides: the host validates what a webview posts (a webview is a web page and may
 * be compromised), and the webview validates what it receives.
 */
import { z } from 'zod';

const agent = z.object({
  id: z.string(),
  kind: z.string(),
  group: z.string(),
  capabilities: z.array(z.string()).readonly(),
  health: z.object({
    status: z.string(),
    tasksProcessed: z.number(),
    tasksFailed: z.number(),
    errorRate: z.number(),
    latencyP50Ms: z.number(),
    memoryBytes: z.number(),
    cpuMs: z.number(),
  }),
});

/** What the dashboard draws. */
export const snapshotSchema = z.object({
  root: z.string(),
  lowPower: z.boolean(),
  agents: z.array(agent),
  findings: z.object({ error: z.number(), warning: z.number(), info: z.number() }),
  filesWithFindings: z.number(),
  reviews: z.object({ total: z.number(), lastMs: z.number().optional(), running: z.number() }),
  activity: z.array(z.object({ start: z.number(), counts: z.record(z.string(), z.number()) })),
  events: z.array(z.object({ id: z.string(), topic: z.string(), source: z.string(), timestamp: z.number(), summary: z.string() })),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

/** Host → webview. */
export const toWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), snapshot: snapshotSchema, sentAt: z.number() }),
  z.object({ type: z.literal('chat.reply'), id: z.string().max(100), markdown: z.string().max(100_000), question: z.string().max(10_000).optional().describe('Asked by the host on the person\'s behalf (an Explain button): shown as theirs.') }),
]);
export type ToWebview = z.infer<typeof toWebviewSchema>;

/** Webview → host. Bounded: a webview's input is untrusted. */
export const fromWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('command'), command: z.enum(['reviewWorkspace', 'reviewChanges', 'toggleLowPower']) }),
  z.object({ type: z.literal('chat.ask'), id: z.string().max(100), text: z.string().max(10_000) }),
  z.object({ type: z.literal('rendered'), sentAt: z.number(), at: z.number() }),
]);
export type FromWebview = z.infer<typeof fromWebviewSchema>;

/** Parses a webview's message; undefined (and the caller logs it) when it is not one of ours. */
export function parseFromWebview(message: unknown): FromWebview | undefined {
  const parsed = fromWebviewSchema.safeParse(message);
  return parsed.success ? parsed.data : undefined;
}
