/**
 * The style-validator's settings and task input, parsed at the edge with zod: they arrive from the
 * review config (`review.eslint`), from a swarm task, or across a worker-thread boundary.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../../shared/errors/errors.js';

const parseErrorsSchema = z
  .enum(['report', 'omit'])
  .describe(
    "What to do with ESLint's fatal parse errors. `report` (default) keeps them as `eslint/parse-error` " +
      "findings tagged 'syntax', so a swarm can de-duplicate them against the syntax agent; `omit` drops " +
      'them, for when the syntax agent runs and reports syntax errors itself.',
  );
const useRepoConfigSchema = z
  .boolean()
  .describe(
    "Use the repository's own ESLint flat config (eslint.config.*) when there is one (default). `false` " +
      'always uses the built-in recommended config.',
  );
const configFileSchema = z
  .string()
  .min(1)
  .describe('An explicit ESLint flat config file, absolute or relative to the reviewed root; skips the lookup.');

const maxFileBytesSchema = z
  .number()
  .int()
  .positive()
  .describe(
    'Files larger than this many bytes (UTF-8) are not linted and get one `style/file-skipped` info finding ' +
      '(default 2 MiB): ESLint on a multi-megabyte bundle takes seconds and hundreds of MB.',
  );

/** Default of `maxFileBytes`. */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

/** Settings of the style-validator (all optional; an empty object is valid). */
export const styleOptionsSchema = z
  .object({
    parseErrors: parseErrorsSchema.default('report'),
    useRepoConfig: useRepoConfigSchema.default(true),
    configFile: configFileSchema.optional(),
    maxFileBytes: maxFileBytesSchema.default(DEFAULT_MAX_FILE_BYTES),
  })
  .strict();

/** Per-task overrides: the same keys without defaults, so an absent key keeps the agent's setting. */
export const styleOverridesSchema = z
  .object({
    parseErrors: parseErrorsSchema.optional(),
    useRepoConfig: useRepoConfigSchema.optional(),
    configFile: configFileSchema.optional(),
    maxFileBytes: maxFileBytesSchema.optional(),
  })
  .strict();

/** Settings after defaults are applied. */
export type StyleOptions = z.output<typeof styleOptionsSchema>;
/** Settings as a caller writes them (every key optional). */
export type StyleOptionsInput = z.input<typeof styleOptionsSchema>;

/** One file to lint: its path (relative to the reviewed root, or absolute inside it) and its content. */
export const lintFileSchema = z.object({
  path: z.string().min(1).describe('Path of the file, relative to the reviewed root or absolute inside it.'),
  text: z.string().describe("The file's content, as the caller has it (it may be unsaved)."),
});

/** The input of a style-validator task. */
export const styleTaskInputSchema = z
  .object({
    root: z.string().min(1).describe('The reviewed root folder: config lookup and finding paths start here.'),
    files: z.array(lintFileSchema).describe('The files to lint, with their content.'),
    options: styleOverridesSchema.optional().describe("Per-task settings, overriding the agent's own."),
  })
  .strict();

/** A style-validator task's input. */
export type StyleTaskInput = z.output<typeof styleTaskInputSchema>;

/** Renders zod issues as "key: problem" lines, so the message says what to fix and where. */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('; ');
}

/** Parses one value with a schema, throwing {@link InvalidInputError} naming `what` and the bad keys. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  throw new InvalidInputError(`Invalid ${what}: ${describeIssues(parsed.error)}`, first ? { key: first.path.join('.') } : {}, {
    cause: parsed.error,
  });
}

/** Parses style-validator settings, applying defaults. Throws {@link InvalidInputError} on bad input. */
export function parseStyleOptions(value: unknown): StyleOptions {
  return parseWith(styleOptionsSchema, value ?? {}, 'style-validator options');
}
