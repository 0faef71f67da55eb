/**
 * The security-scanner agent: wraps {@link scanSecurity} in the core's Agent contract. A task's
 * input is validated at the edge (zod); each file is scanned with the shared tree-sitter service,
 * cancellation is checked between files, and a `finding.reported` event is published per file
 * with findings.
 */
import { z } from 'zod';
import { InvalidInputError, throwIfAborted } from '../../../shared/errors/errors.js';
import type { Finding } from '../../../shared/findings/finding.js';
import type { Agent, AgentContext, AgentTask } from '../../../shared/runtime/agent.js';
import { LANGUAGE_IDS, detectLanguage, type LanguageId } from '../parsing/language-id.js';
import { loadTreeSitter } from '../parsing/load-tree-sitter.js';
import type { TreeSitterService } from '../parsing/tree-sitter-service.js';
import type { WasmPaths } from '../parsing/wasm-paths.js';
import { SECURITY_AGENT_ID, scanSecurity } from './scan-security.js';

/** The schema of a security-scan task's input. */
export const securityScanInputSchema = z.object({
  files: z
    .array(
      z.object({
        /** Path relative to the reviewed root, forward slashes. */
        path: z.string().min(1, 'path must not be empty'),
        /** The file's content. */
        text: z.string(),
        /** The language; detected from the extension when absent. */
        lang: z.enum(LANGUAGE_IDS as [LanguageId, ...LanguageId[]]).optional(),
      }),
    )
    .min(1, 'files must list at least one file'),
});

/** Input of a `security_scan` task. */
export type SecurityScanInput = z.output<typeof securityScanInputSchema>;

/** Options for {@link SecurityScannerAgent}. */
export interface SecurityScannerOptions {
  id?: string;
  /** `.wasm` paths for hosts that bundle the agent; node hosts use the installed packages. */
  wasmPaths?: WasmPaths;
  /** A tree-sitter service to use instead of the process-wide one. */
  treeSitter?: TreeSitterService;
  /** Files larger than this (UTF-16 code units) are skipped with an info finding. */
  maxSize?: number;
}

/** Finds injection, traversal, pollution, ReDoS, deserialization and secret issues in JS/TS/Python files. */
export class SecurityScannerAgent implements Agent<unknown, Finding[]> {
  readonly id: string;
  readonly kind = 'review';
  readonly capabilities = ['security_scan', 'code_review'] as const;
  readonly permission = 'read_only' as const;
  private service: TreeSitterService | undefined;

  constructor(private readonly options: SecurityScannerOptions = {}) {
    this.id = options.id ?? SECURITY_AGENT_ID;
    this.service = options.treeSitter;
  }

  /** Loads tree-sitter before the first task. */
  async start(): Promise<void> {
    this.service ??= await loadTreeSitter(this.options.wasmPaths);
  }

  /** Scans the task's files and returns their findings in input order. */
  async handle(task: AgentTask<unknown>, context: AgentContext): Promise<Finding[]> {
    const parsed = securityScanInputSchema.safeParse(task.input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const key = issue ? issue.path.join('.') : '';
      throw new InvalidInputError(`Invalid security_scan input${key ? ` at '${key}'` : ''}: ${issue?.message ?? 'unknown problem'}`, { key });
    }
    this.service ??= await loadTreeSitter(this.options.wasmPaths);
    const out: Finding[] = [];
    for (const file of parsed.data.files) {
      throwIfAborted(context.signal);
      const lang = file.lang ?? detectLanguage(file.path);
      if (!lang) continue;
      await this.service.ensureLanguage(lang);
      const findings = scanSecurity({ path: file.path, text: file.text, lang }, { treeSitter: this.service, signal: context.signal, ...(this.options.maxSize ? { maxSize: this.options.maxSize } : {}) });
      if (findings.length > 0) {
        out.push(...findings.map((f) => (f.agent === this.id ? f : { ...f, agent: this.id })));
        await context.bus.publish('finding.reported', { agentId: this.id, count: findings.length, file: file.path }, { source: this.id, ...(task.traceId ? { traceId: task.traceId } : {}) });
      }
    }
    return out;
  }
}
