/**
 * ES module / CommonJS mix-ups: CommonJS globals in an ES module, `import` in a CommonJS file,
 * `require()` of an ES-only package, files Node cannot load by extension.
 */
import { posix } from 'node:path';
import { inlineCode } from '../code-line.js';
import type { FixRule, RuleContext } from '../fix-rule.js';

/** `const x = require('y')` → `import x from 'y'`, or undefined when the line is not that simple. */
export function requireToImport(line: string): string | undefined {
  const m =
    /^(?:const|let|var)\s{1,10}(?<binding>[\p{L}_$][\p{L}\p{N}_$]{0,100}|\{[^}]{1,300}\})\s{0,10}=\s{0,10}require\(\s{0,10}(?<q>['"])(?<spec>[^'"]{1,300})\k<q>\s{0,10}\)(?<member>\.[\p{L}_$][\p{L}\p{N}_$]{0,100})?\s{0,10};?$/u.exec(
      line,
    );
  const g = m?.groups;
  if (g?.binding === undefined || g.spec === undefined) return undefined;
  const member = g.member?.slice(1);
  if (g.binding.startsWith('{')) {
    if (member !== undefined) return undefined;
    const names = g.binding.slice(1, -1).replace(/\s{0,10}:\s{0,10}/g, ' as ').replace(/\s+/g, ' ').trim();
    return `import { ${names} } from '${g.spec}';`;
  }
  if (member !== undefined) return member === g.binding ? `import { ${member} } from '${g.spec}';` : `import { ${member} as ${g.binding} } from '${g.spec}';`;
  return `import ${g.binding} from '${g.spec}';`;
}

/** The package a `node_modules/...` path belongs to. */
function packageOfPath(path: string): string | undefined {
  const parts = path.replace(/\\/g, '/').split('/node_modules/');
  const tail = parts[parts.length - 1];
  if (parts.length < 2 || tail === undefined) return undefined;
  const segments = tail.split('/');
  return tail.startsWith('@') ? segments.slice(0, 2).join('/') : segments[0];
}

function treatedAsModuleBecause(message: string): string {
  const m = /treated as an ES module because it has a '(?<ext>\.[a-z]{1,5})' file extension and '(?<pkg>[^'\n]{1,400})' contains "type": "module"/.exec(message);
  return m?.groups?.pkg !== undefined ? ` (${inlineCode(m.groups.pkg)} says \`"type": "module"\`)` : '';
}

/** `require` used in an ES module. */
export const requireInEsmRule: FixRule = {
  id: 'require-in-esm',
  title: 'require() in an ES module',
  covers: '`ReferenceError: require is not defined in ES module scope, you can use import instead`',
  confidence: 0.95,
  matcher: { message: [/require is not defined in ES module scope/, /^ReferenceError: require is not defined$/m] },
  suggest: (ctx) => {
    const converted = ctx.codeLine !== undefined ? requireToImport(ctx.codeLine) : undefined;
    const why = treatedAsModuleBecause(ctx.message);
    if (converted !== undefined) {
      return {
        detail: `This file is an ES module${why}: replace ${inlineCode(ctx.codeLine ?? '')} with ${inlineCode(converted)}; or rename the file to \`.cjs\` to keep CommonJS.`,
        confidence: 0.97,
      };
    }
    return {
      detail: `This file is an ES module${why}: use \`import … from '…'\` (or \`await import('…')\` for a conditional load); where \`require\` is really needed, create it with ${inlineCode("import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);")}; or rename the file to \`.cjs\`.`,
    };
  },
};

/** `exports`/`module.exports` used in an ES module. */
export const exportsInEsmRule: FixRule = {
  id: 'exports-in-esm',
  title: 'CommonJS exports in an ES module',
  covers: '`ReferenceError: exports is not defined in ES module scope`, `module is not defined in ES module scope`, `exports is not defined` (browsers, bundles)',
  confidence: 0.9,
  matcher: { message: [/(?<name>exports|module) is not defined in ES module scope/, /^ReferenceError: (?<name>exports) is not defined$/m] },
  suggest: (ctx) => {
    const line = ctx.codeLine ?? '';
    const named = /^(?:module\.)?exports\.(?<name>[\p{L}_$][\p{L}\p{N}_$]{0,100})\s{0,10}=\s{0,10}(?<value>[^;]{1,300});?$/u.exec(line)?.groups;
    const whole = /^module\.exports\s{0,10}=\s{0,10}(?<value>[^;]{1,300});?$/.exec(line)?.groups;
    const converted =
      named?.name !== undefined && named.value !== undefined
        ? named.value === named.name
          ? `export { ${named.name} };`
          : `export const ${named.name} = ${named.value};`
        : whole?.value !== undefined
          ? `export default ${whole.value};`
          : undefined;
    const why = treatedAsModuleBecause(ctx.message);
    if (converted !== undefined) {
      return { detail: `This file is an ES module${why}: replace ${inlineCode(line)} with ${inlineCode(converted)}; or rename the file to \`.cjs\` to keep CommonJS.`, confidence: 0.95 };
    }
    return {
      detail:
        ctx.pattern === 1
          ? 'Code compiled to CommonJS (`exports.x = …`) is running as an ES module or in a browser: compile to ES modules (TypeScript `"module": "NodeNext"`/`"ESNext"`) or load the file as CommonJS (`.cjs`).'
          : `This file is an ES module${why}: write \`export const x = …\` / \`export default …\` instead of \`${ctx.groups.name ?? 'exports'}.…\`; or rename the file to \`.cjs\`.`,
    };
  },
};

/** `__dirname`/`__filename` in an ES module. */
export const dirnameInEsmRule: FixRule = {
  id: 'dirname-in-esm',
  title: '__dirname in an ES module',
  covers: '`ReferenceError: __dirname is not defined in ES module scope` (and `__filename`)',
  confidence: 0.95,
  matcher: { message: [/(?<name>__dirname|__filename) is not defined in ES module scope/] },
  suggest: (ctx) => {
    const name = ctx.groups.name ?? '__dirname';
    const modern = name === '__dirname' ? 'import.meta.dirname' : 'import.meta.filename';
    const portable =
      name === '__dirname'
        ? "path.dirname(fileURLToPath(import.meta.url))"
        : 'fileURLToPath(import.meta.url)';
    const onLine = ctx.codeLine?.includes(name) === true ? ` in ${inlineCode(ctx.codeLine?.replaceAll(name, modern) ?? '')}` : '';
    return {
      detail: `ES modules have no ${inlineCode(name)}: use ${inlineCode(modern)} (Node ≥ 20.11)${onLine}, or for older Node ${inlineCode(portable)} with \`import { fileURLToPath } from 'node:url'\`.`,
    };
  },
};

/** `import` statement in a file loaded as CommonJS. */
export const importInCjsRule: FixRule = {
  id: 'import-in-cjs',
  title: 'import statement in a CommonJS file',
  covers: '`SyntaxError: Cannot use import statement outside a module` (Node, jest)',
  confidence: 0.9,
  matcher: { message: [/Cannot use import statement outside a module/] },
  suggest: (ctx) => {
    const file = ctx.fault?.file;
    const pkg = file !== undefined && file.includes('node_modules/') ? packageOfPath(file) : undefined;
    if (pkg !== undefined) {
      return {
        detail: `The package ${inlineCode(pkg)} ships ES modules and is loaded as CommonJS: under jest, let it be transformed (${inlineCode(`transformIgnorePatterns: ['/node_modules/(?!${pkg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})']`)}) or run jest in ESM mode (\`node --experimental-vm-modules\`); in Node, load it with \`import\`/\`await import()\` from an ES module.`,
        confidence: 0.9,
      };
    }
    const where = file !== undefined ? inlineCode(posix.basename(file)) : 'this file';
    return {
      detail: `${where} is loaded as CommonJS but uses \`import\`: add \`"type": "module"\` to the nearest package.json, or rename it to \`.mjs\`; under jest, have the transform compile ES modules (babel-jest/ts-jest/@swc/jest) or run jest in ESM mode; or write \`require()\` instead.`,
    };
  },
};

/** `require()` of an ES-only module. */
export const requireEsmRule: FixRule = {
  id: 'require-esm',
  title: 'require() of an ES module',
  covers: '`Error [ERR_REQUIRE_ESM]: require() of ES Module … from … not supported`, `ERR_REQUIRE_ASYNC_MODULE` (top-level await)',
  confidence: 0.9,
  matcher: {
    message: [
      /require\(\) of ES Module (?<target>[^\s]{1,400}) from (?<from>[^\s]{1,400}) not supported/,
      /(?<async>ERR_REQUIRE_ASYNC_MODULE|require\(\) cannot be used on an ESM graph with top-level await)/,
    ],
  },
  suggest: (ctx) => {
    const { target, from } = ctx.groups;
    if (ctx.groups.async !== undefined) {
      return {
        detail: 'The required ES module uses top-level `await`, which `require()` cannot wait for: load it with `await import(…)`, or make the requiring file an ES module.',
      };
    }
    const pkg = target !== undefined ? packageOfPath(target) : undefined;
    const what = pkg ?? (target !== undefined ? posix.basename(target) : 'the module');
    const fromName = from !== undefined ? inlineCode(posix.basename(from)) : 'the requiring file';
    return {
      title: `${what} is an ES module`,
      detail: `${inlineCode(what)} is ES-only and ${fromName} loads it with \`require()\`: use ${inlineCode(`const { default: x } = await import('${what}')`)} there, turn ${fromName} into an ES module, or run Node ≥ 20.19 / 22.12 where \`require()\` of ES modules works${pkg !== undefined ? `; or pin the last CommonJS release of ${inlineCode(pkg)}` : ''}.`,
    };
  },
};

/** Node asked to run a TypeScript (or other) file it cannot load. */
export const unknownExtensionRule: FixRule = {
  id: 'unknown-file-extension',
  title: 'Unknown file extension',
  covers: '`TypeError [ERR_UNKNOWN_FILE_EXTENSION]: Unknown file extension ".ts" for /app/x.ts`',
  confidence: 0.9,
  matcher: { message: [/Unknown file extension "(?<ext>\.[^"\n]{1,20})" for (?<file>[^\s]{1,400})/] },
  suggest: (ctx: RuleContext) => {
    const { ext, file } = ctx.groups;
    if (ext === undefined) return undefined;
    const name = file !== undefined ? inlineCode(posix.basename(file)) : 'the file';
    if (/^\.[cm]?tsx?$/.test(ext)) {
      return {
        detail: `Node cannot run ${name} (${ext}) as ES module source here: compile it first (\`tsc\`, then run the \`.js\`), or run it through a loader (${inlineCode(`node --import tsx ${file !== undefined ? posix.basename(file) : 'file.ts'}`)}); ts-node needs its ESM loader for \`"type": "module"\` packages.`,
      };
    }
    return { detail: `Node cannot load ${name}: ${inlineCode(ext)} files need a loader or a build step before Node can import them.` };
  },
};

/** The rules of this file, in knowledge-base order. */
export const ESM_CJS_RULES: readonly FixRule[] = [requireInEsmRule, exportsInEsmRule, dirnameInEsmRule, importInCjsRule, requireEsmRule, unknownExtensionRule];
