/**
 * Modules that cannot be found or do not export what is imported: Node (CommonJS and ESM), the
 * ESM rule that relative imports need their extension, Python imports.
 */
import { posix } from 'node:path';
import { inlineCode } from '../code-line.js';
import type { FixRule, RuleContext, RuleOutcome } from '../fix-rule.js';

/** `lodash` for `lodash/fp`, `@scope/pkg` for `@scope/pkg/sub`; undefined for relative or absolute specifiers. */
export function packageName(specifier: string): string | undefined {
  if (isPathSpecifier(specifier) || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return name !== undefined && name.length > 0 ? name : undefined;
}

function isPathSpecifier(specifier: string): boolean {
  return /^(?:\.{1,2}(?:\/|$)|\/|file:|[A-Za-z]:[\\/])/.test(specifier);
}

/** File URL or path → path with forward slashes. */
function toPath(value: string): string {
  let s = value.startsWith('file://') ? value.slice('file://'.length) : value;
  s = s.replace(/\\/g, '/');
  try {
    s = decodeURIComponent(s);
  } catch {
    // keep as written
  }
  return s;
}

/** The specifier as the importing file would write it: `./util` for `/app/src/util` imported from `/app/src/a.mjs`. */
function asWrittenFrom(specifier: string, from: string | undefined): string {
  if (from === undefined || (!specifier.startsWith('/') && !specifier.startsWith('file:'))) return specifier;
  const rel = posix.relative(posix.dirname(toPath(from)), toPath(specifier));
  if (rel.length === 0) return specifier;
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function baseName(file: string): string {
  return posix.basename(toPath(file));
}

/** Node's "Require stack" names the importing file of a CommonJS require. */
function requiringFile(message: string): string | undefined {
  return /Require stack:\n- (?<from>[^\n]{1,400})/.exec(message)?.groups?.from?.trim();
}

function moduleNotFound(ctx: RuleContext): RuleOutcome | undefined {
  const raw = ctx.groups.spec;
  if (raw === undefined) return undefined;
  const from = ctx.groups.from ?? requiringFile(ctx.message);
  const fromName = from !== undefined ? inlineCode(baseName(from)) : 'this file';
  const pkg = packageName(raw);
  if (pkg !== undefined) {
    return {
      title: `Package ${pkg} not found`,
      detail: `${inlineCode(pkg)} is not installed where ${fromName} can resolve it: add it (${inlineCode(`npm install ${pkg}`)}), or if it is in package.json, install dependencies (\`npm ci\`) in the folder the code runs from; also check the name for typos.`,
      confidence: 0.9,
    };
  }
  const written = asWrittenFrom(raw, from);
  const last = posix.basename(written);
  if (ctx.groups.esm !== undefined && !last.includes('.') && written !== '.' && written !== '..') {
    return undefined; // missing extension in ESM: the esm-missing-extension rule says it better
  }
  return {
    title: `Module ${written} not found`,
    detail: `${inlineCode(written)} does not exist relative to ${fromName}: check the path and its letter case (Linux file systems are case-sensitive), that the file was built or generated, and that the import is relative to the importing file, not to the working directory.`,
    confidence: 0.85,
  };
}

/** A module or package that Node cannot resolve. */
export const moduleNotFoundRule: FixRule = {
  id: 'module-not-found',
  title: 'Module not found',
  covers: "Node `Cannot find module 'x'` (with its Require stack), `ERR_MODULE_NOT_FOUND: Cannot find package 'x' imported from f`",
  confidence: 0.9,
  matcher: {
    message: [
      /Cannot find (?<esm>package|module) '(?<spec>[^'\n]{1,400})' imported from (?<from>[^\s]{1,400})/,
      /Cannot find module '(?<spec>[^'\n]{1,400})'(?! or its corresponding type declarations)/,
    ],
  },
  suggest: moduleNotFound,
};

/** A relative ESM import without its file extension. */
export const esmMissingExtensionRule: FixRule = {
  id: 'esm-missing-extension',
  title: 'ES module import without file extension',
  covers: "Node ESM `Cannot find module '/app/util' imported from /app/a.mjs` for an extensionless relative import, `Did you mean to import \"./util.js\"?`, `ERR_UNSUPPORTED_DIR_IMPORT`",
  confidence: 0.9,
  matcher: {
    message: [
      /Cannot find module '(?<spec>[^'\n]{1,400})' imported from (?<from>[^\s]{1,400})/,
      /Directory import '(?<spec>[^'\n]{1,400})' is not supported resolving ES modules imported from (?<from>[^\s]{1,400})/,
    ],
  },
  suggest: (ctx) => {
    const spec = ctx.groups.spec;
    if (spec === undefined) return undefined;
    const from = ctx.groups.from;
    const written = asWrittenFrom(spec, from);
    const isDirectory = ctx.pattern === 1;
    if (!isDirectory && posix.basename(written).includes('.')) return undefined;
    const hinted = /Did you mean to import "?(?<hint>[^"\s?]{1,400})"?\?/.exec(ctx.message)?.groups?.hint;
    const suggestion = hinted !== undefined ? asWrittenFrom(hinted, from) : isDirectory ? `${written}/index.js` : `${written}.js`;
    const alternative = isDirectory || hinted !== undefined ? '' : ` (with the file's real extension, \`.js\`/\`.mjs\`/\`.json\`, or ${inlineCode(`${written}/index.js`)} if it is a folder)`;
    const onLine = ctx.codeLine?.includes(`'${written}'`) || ctx.codeLine?.includes(`"${written}"`) ? ' on this line' : '';
    return {
      title: `Import ${written} needs its file extension`,
      detail: `ES modules do not add extensions or \`/index.js\`: import ${inlineCode(suggestion)} instead of ${inlineCode(written)}${onLine}${alternative}${from !== undefined ? ` in ${inlineCode(baseName(from))}` : ''}. In TypeScript with NodeNext resolution write the \`.js\` extension too, even for a \`.ts\` file.`,
      confidence: hinted !== undefined || onLine !== '' ? 0.95 : 0.9,
    };
  },
};

/** An ES module import of a name the module does not export. */
export const missingExportRule: FixRule = {
  id: 'missing-export',
  title: 'Imported name is not exported',
  covers: "Node ESM `The requested module './a.js' does not provide an export named 'x'`, Python `ImportError: cannot import name 'x' from 'm'`",
  confidence: 0.9,
  matcher: {
    message: [
      /The requested module '(?<mod>[^'\n]{1,400})' does not provide an export named '(?<name>[^'\n]{1,200})'/,
      /cannot import name '(?<name>[^'\n]{1,200})' from '(?<mod>[^'\n]{1,400})'(?<circular>[^\n]{0,200}circular import)?/,
    ],
  },
  suggest: (ctx) => {
    const { mod, name, circular } = ctx.groups;
    if (mod === undefined || name === undefined) return undefined;
    if (ctx.pattern === 1) {
      return {
        detail:
          circular !== undefined
            ? `${inlineCode(mod)} and this module import each other (circular import), so ${inlineCode(name)} is not defined yet when it is imported: move the shared code to a third module, or import inside the function that needs it.`
            : `${inlineCode(mod)} has no ${inlineCode(name)}: check the spelling and the module it lives in (it may have moved or been renamed in a newer version of the package), or a local file shadowing the package name.`,
        confidence: 0.9,
      };
    }
    return {
      detail: `${inlineCode(mod)} has no export named ${inlineCode(name)}: check the name and whether it is the default export (${inlineCode(`import ${name} from '${mod}'`)}); if ${inlineCode(mod)} is CommonJS, import its default and destructure: ${inlineCode(`import pkg from '${mod}'; const { ${name} } = pkg;`)}.`,
      confidence: 0.9,
    };
  },
};

/** Importing a package subpath its `exports` map does not expose. */
export const packageSubpathRule: FixRule = {
  id: 'package-subpath-not-exported',
  title: 'Package subpath not exported',
  covers: "Node `ERR_PACKAGE_PATH_NOT_EXPORTED: Package subpath './x' is not defined by \"exports\" in …/package.json`",
  confidence: 0.85,
  matcher: {
    message: [/(?:Package )?[Ss]ubpath '(?<sub>[^'\n]{1,300})' is not defined by "exports" in (?<pkgjson>[^\s]{1,400})/],
  },
  suggest: (ctx) => {
    const { sub, pkgjson } = ctx.groups;
    if (sub === undefined) return undefined;
    const pkg = pkgjson !== undefined ? /node_modules\/(?<name>@[^/]{1,100}\/[^/]{1,100}|[^/@][^/]{0,100})\/package\.json$/.exec(toPath(pkgjson))?.groups?.name : undefined;
    const who = pkg !== undefined ? inlineCode(pkg) : 'the package';
    return {
      detail: `${who} does not expose ${inlineCode(sub)} in its \`exports\` map: import its public entry instead (${inlineCode(pkg ?? 'the package')}), or a subpath it lists in \`exports\`; deep imports into its files are blocked since it declared \`exports\`.`,
    };
  },
};

const PYTHON_INSTALL_NAMES: Readonly<Record<string, string>> = {
  cv2: 'opencv-python',
  yaml: 'pyyaml',
  PIL: 'pillow',
  sklearn: 'scikit-learn',
  bs4: 'beautifulsoup4',
  dotenv: 'python-dotenv',
  jwt: 'pyjwt',
  dateutil: 'python-dateutil',
  Crypto: 'pycryptodome',
  magic: 'python-magic',
  attr: 'attrs',
};

/** Python: a module that is not importable. */
export const pythonModuleRule: FixRule = {
  id: 'python-module-not-found',
  title: 'Python module not found',
  covers: "Python `ModuleNotFoundError: No module named 'x'` / `No module named 'pkg.sub'`",
  confidence: 0.9,
  matcher: { message: [/No module named '(?<mod>[^'\n]{1,300})'/] },
  suggest: (ctx) => {
    const mod = ctx.groups.mod;
    if (mod === undefined) return undefined;
    const top = mod.split('.')[0] ?? mod;
    if (mod.includes('.')) {
      return {
        title: `Module ${mod} not found`,
        detail: `${inlineCode(top)} is found but not ${inlineCode(mod)}: check the submodule's name and that its folder has an \`__init__.py\`; for your own package, run from the project root (${inlineCode(`python -m ${top}…`)}) or install it in editable mode (\`pip install -e .\`) instead of running a file inside it.`,
        confidence: 0.85,
      };
    }
    const install = PYTHON_INSTALL_NAMES[top];
    const pipName = install ?? top;
    const renamed = install !== undefined ? ` (the import name ${inlineCode(top)} is installed as ${inlineCode(install)})` : '';
    return {
      title: `Module ${top} not found`,
      detail: `${inlineCode(top)} is not installed for the interpreter that runs this code: ${inlineCode(`python -m pip install ${pipName}`)} inside the active virtual environment${renamed}, and add it to requirements/pyproject; if ${inlineCode(top)} is your own package, run from the project root or fix PYTHONPATH.`,
      confidence: 0.9,
    };
  },
};

/** The rules of this file, in knowledge-base order. */
export const MODULE_RULES: readonly FixRule[] = [esmMissingExtensionRule, moduleNotFoundRule, missingExportRule, packageSubpathRule, pythonModuleRule];
