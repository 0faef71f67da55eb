/**
 * Matches a request to an operation of the committed OpenAPI subset and validates it with Ajv:
 * path parameters, query parameters (strict: unknown ones are errors) and the JSON body.
 * Regenerate the subset with `node scripts/generate-github-openapi-subset.mjs`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';

const addFormats = ajvFormats.default;
const SUBSET_URL = new URL('./github-openapi-subset.json', import.meta.url);
/** `$id` under which the subset's components are registered, so `#/components/...` refs resolve. */
const DOC_ID = 'https://fake-github.invalid/subset.json';

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}

/** One compiled operation of the subset. */
export interface CompiledOperation {
  operationId: string;
  method: string;
  template: string;
  pattern: RegExp;
  paramNames: string[];
  validatePath: ValidateFunction;
  validateQuery: ValidateFunction;
  validateBody: ValidateFunction | undefined;
  bodyRequired: boolean;
}

/** A request matched to an operation, with its decoded path parameters. */
export interface MatchedOperation {
  operation: CompiledOperation;
  params: Record<string, string>;
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? `${DOC_ID}${v}` : rewriteRefs(v)]),
  );
}

function templatePattern(template: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    // A file path is the one parameter that may span segments (`contents/{path}`).
    return name === 'path' ? '(.+)' : '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), names };
}

function formatErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const extra = e.keyword === 'enum' ? ` (${JSON.stringify(e.params.allowedValues)})` : '';
    const prop = e.keyword === 'additionalProperties' ? ` '${String(e.params.additionalProperty)}'` : '';
    return `${where}${e.instancePath || ''} ${e.message ?? e.keyword}${prop}${extra}`;
  });
}

/** The committed subset, compiled once: find an operation for a request and list what is wrong with it. */
export class OpenApiValidator {
  readonly operations: CompiledOperation[] = [];

  constructor(subset: Json = JSON.parse(readFileSync(SUBSET_URL, 'utf8')) as Json) {
    const opts = { strict: false, allErrors: true, validateFormats: true } as const;
    const bodyAjv = new Ajv(opts);
    // Query and path values arrive as strings: coerce them to the declared types before checking.
    const paramAjv = new Ajv({ ...opts, coerceTypes: 'array' });
    for (const ajv of [bodyAjv, paramAjv]) {
      addFormats(ajv);
      ajv.addSchema({ $id: DOC_ID, components: subset.components }, DOC_ID);
    }
    const components = subset.components as { parameters?: Record<string, Parameter> };
    const paths = subset.paths as Record<string, Record<string, Json>>;
    for (const [template, methods] of Object.entries(paths)) {
      const { pattern, names } = templatePattern(template);
      for (const [method, op] of Object.entries(methods)) {
        const params = ((op.parameters as Json[] | undefined) ?? []).map((p) => {
          const ref = typeof p.$ref === 'string' ? p.$ref.replace('#/components/parameters/', '') : undefined;
          const resolved = ref ? components.parameters?.[ref] : (p as unknown as Parameter);
          if (!resolved) throw new Error(`Subset is missing parameter ${String(p.$ref)}: regenerate it`);
          return resolved;
        });
        const objectSchema = (where: 'path' | 'query', additional: boolean) => {
          const list = params.filter((p) => p.in === where);
          return rewriteRefs({
            type: 'object',
            properties: Object.fromEntries(list.map((p) => [p.name, p.schema ?? {}])),
            required: list.filter((p) => p.required || where === 'path').map((p) => p.name),
            additionalProperties: additional,
          }) as Json;
        };
        const body = (op.requestBody as Json | undefined)?.content as Record<string, { schema?: Json }> | undefined;
        const bodySchema = body?.['application/json']?.schema;
        this.operations.push({
          operationId: String(op.operationId),
          method: method.toUpperCase(),
          template,
          pattern,
          paramNames: names,
          validatePath: paramAjv.compile(objectSchema('path', false)),
          validateQuery: paramAjv.compile(objectSchema('query', false)),
          validateBody: bodySchema ? bodyAjv.compile(rewriteRefs(bodySchema) as Json) : undefined,
          bodyRequired: (op.requestBody as Json | undefined)?.required === true,
        });
      }
    }
  }

  /** The operation for a method and path (without query), or undefined when the subset has none. */
  match(method: string, pathname: string): MatchedOperation | undefined {
    for (const operation of this.operations) {
      if (operation.method !== method.toUpperCase()) continue;
      const m = operation.pattern.exec(pathname);
      if (!m) continue;
      const params: Record<string, string> = {};
      operation.paramNames.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { operation, params };
    }
    return undefined;
  }

  /**
   * Everything wrong with a matched request, as readable lines (empty when valid). `query` and
   * `params` are coerced in place to the declared types; `body` is `undefined` when none was sent.
   */
  validate(match: MatchedOperation, query: Record<string, unknown>, body: unknown): string[] {
    const { operation } = match;
    const errors: string[] = [];
    if (!operation.validatePath(match.params)) errors.push(...formatErrors('path', operation.validatePath.errors));
    if (!operation.validateQuery(query)) errors.push(...formatErrors('query', operation.validateQuery.errors));
    if (body === undefined) {
      if (operation.bodyRequired) errors.push('body is required');
    } else if (!operation.validateBody) {
      errors.push('body: this operation takes no request body');
    } else if (!operation.validateBody(body)) {
      errors.push(...formatErrors('body', operation.validateBody.errors));
    }
    return errors;
  }
}
