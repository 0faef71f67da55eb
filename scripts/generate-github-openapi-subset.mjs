#!/usr/bin/env node
/**
 * Regenerates test/helpers/fake-github/github-openapi-subset.json: the operations of GitHub's REST
 * OpenAPI description (npm `@octokit/openapi`, file `generated/api.github.com.json`) that the GitHub
 * App uses, with every `$ref` they reach kept under `components`. The fake GitHub validates every
 * request against it.
 *
 * The package is 385 MB unpacked, so it is never a dependency: `npm pack` fetches the tarball into a
 * temporary folder, only the one JSON file is extracted, and the folder is removed.
 *
 * Usage: node scripts/generate-github-openapi-subset.mjs [--from path/to/api.github.com.json] [--version 23.0.2]
 * (`--from` reads an already extracted description instead of fetching the package.)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(root, 'test/helpers/fake-github/github-openapi-subset.json');

/** [method, path template] of every operation the GitHub App calls. Add a line here to use a new endpoint. */
const OPERATIONS = [
  ['get', '/app'],
  ['post', '/app/installations/{installation_id}/access_tokens'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}/files'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews'],
  ['post', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}/comments'],
  ['post', '/repos/{owner}/{repo}/pulls/{pull_number}/comments'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['patch', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
  ['post', '/repos/{owner}/{repo}/check-runs'],
  ['patch', '/repos/{owner}/{repo}/check-runs/{check_run_id}'],
  ['get', '/repos/{owner}/{repo}/commits/{ref}/check-runs'],
  ['get', '/repos/{owner}/{repo}/contents/{path}'],
  ['get', '/repos/{owner}/{repo}/collaborators/{username}/permission'],
  ['get', '/repos/{owner}/{repo}/compare/{basehead}'],
  ['get', '/repos/{owner}/{repo}/actions/runs/{run_id}/logs'],
  ['get', '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs'],
  ['get', '/repos/{owner}/{repo}/actions/jobs/{job_id}/logs'],
  ['get', '/repos/{owner}/{repo}/git/trees/{tree_sha}'],
  ['get', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls'],
  ['get', '/repos/{owner}/{repo}/commits/{ref}'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}/commits'],
];

/**
 * GraphQL is not in the REST description. The fake only checks the JSON shape of the request
 * (the App uses it to resolve review threads), so this operation is written here by hand.
 */
const GRAPHQL_OPERATION = {
  operationId: 'graphql',
  'x-fake-github': 'hand-written: GraphQL is not part of the REST OpenAPI description',
  parameters: [],
  requestBody: {
    required: true,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['query'],
          additionalProperties: false,
          properties: {
            query: { type: 'string', minLength: 1 },
            variables: { type: 'object', nullable: true },
            operationName: { type: 'string', nullable: true },
          },
        },
      },
    },
  },
  responses: { 200: { description: 'GraphQL response' } },
};

/** Keys that document but never constrain: dropped to keep the subset small. */
const DOC_KEYS = new Set(['description', 'summary', 'examples', 'example', 'externalDocs', 'tags', 'x-github']);

function parseArgs(argv) {
  // Pinned so a regeneration is reproducible; pass --version latest to move on deliberately.
  const args = { from: undefined, version: '23.0.2' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if ((flag === '--from' || flag === '--version') && value) {
      args[flag.slice(2)] = value;
      i++;
    } else {
      throw new Error(`Unknown argument "${flag}". Usage: [--from api.github.com.json] [--version X.Y.Z]`);
    }
  }
  return args;
}

function loadDescription(args) {
  if (args.from) return { doc: JSON.parse(readFileSync(args.from, 'utf8')), source: args.from };
  const dir = mkdtempSync(join(tmpdir(), 'octokit-openapi-'));
  try {
    const spec = `@octokit/openapi@${args.version}`;
    const tarball = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', dir], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop();
    const member = 'package/generated/api.github.com.json';
    execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir, member]);
    return { doc: JSON.parse(readFileSync(join(dir, member), 'utf8')), source: tarball };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Deep copy without documentation keys; records every local `$ref` met on the way. */
function strip(node, refs) {
  if (Array.isArray(node)) return node.map((item) => strip(item, refs));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    // Keys of `properties` are property names (one may be called "description"), so it is mapped below.
    if (DOC_KEYS.has(key)) continue;
    if (key === '$ref' && typeof value === 'string') refs.push(value);
    out[key] = key === 'properties' ? mapValues(value, (v) => strip(v, refs)) : strip(value, refs);
  }
  return out;
}

function mapValues(obj, fn) {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v)]));
}

function lookup(doc, ref) {
  if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported, found "${ref}"`);
  const parts = ref.slice(2).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = doc;
  for (const part of parts) {
    node = node?.[part];
    if (node === undefined) throw new Error(`Unresolvable $ref "${ref}"`);
  }
  return { parts, node };
}

function buildSubset(doc) {
  const refs = [];
  const paths = {};
  for (const [method, template] of OPERATIONS) {
    const operation = doc.paths?.[template]?.[method];
    if (!operation) throw new Error(`Operation ${method.toUpperCase()} ${template} is not in the description`);
    paths[template] ??= {};
    paths[template][method] = strip(operation, refs);
  }
  paths['/graphql'] = { post: GRAPHQL_OPERATION };

  const components = {};
  const seen = new Set();
  while (refs.length > 0) {
    const ref = refs.pop();
    if (seen.has(ref)) continue;
    seen.add(ref);
    const { parts, node } = lookup(doc, ref);
    // Examples only document; everything else (schemas, parameters, responses, headers) is kept.
    if (parts[1] === 'examples') continue;
    let target = { components };
    for (const part of parts.slice(0, -1)) target = target[part] ??= {};
    target[parts.at(-1)] = strip(node, refs);
  }
  return {
    openapi: doc.openapi,
    info: { title: 'GitHub REST API subset for the fake GitHub', version: doc.info?.version ?? 'unknown' },
    paths,
    components,
  };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const { doc, source } = loadDescription(args);
  const subset = buildSubset(doc);
  subset.info['x-source'] = source;
  const text = `${JSON.stringify(subset, null, 1)}\n`;
  writeFileSync(outFile, text);
  console.log(
    `wrote ${outFile}: ${Object.keys(subset.paths).length} paths, ` +
      `${Object.keys(subset.components.schemas ?? {}).length} schemas, ${(text.length / 1024).toFixed(0)} KB`,
  );
}

try {
  main();
} catch (error) {
  console.error(`generate-github-openapi-subset: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
