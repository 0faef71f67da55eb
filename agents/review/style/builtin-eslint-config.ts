/**
 * The config used when a repository has no ESLint flat config of its own (or opts out of it):
 * `@eslint/js` recommended for JavaScript, typescript-eslint recommended (not type-aware: no
 * TypeScript program, so it stays fast) for TypeScript, and node + browser globals, since we cannot
 * know where the code runs and `no-undef` on `window` or `process` would be noise.
 * The libraries are imported on first use: typescript-eslint alone takes ~0.5 s to load.
 */
import type { Linter } from 'eslint';

/** Extensions the built-in config lints; other files produce nothing under it. */
export const BUILTIN_JS_FILES = ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.jsx'];
/** TypeScript extensions the built-in config lints with typescript-eslint. */
export const BUILTIN_TS_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];

/** Builds the built-in flat config (a fresh array: ESLint may normalise it in place). */
export async function builtinEslintConfig(): Promise<Linter.Config[]> {
  const [{ defineConfig }, jsModule, tsModule, globalsModule] = await Promise.all([
    import('eslint/config'),
    import('@eslint/js'),
    import('typescript-eslint'),
    import('globals'),
  ]);
  const js = jsModule.default;
  const tseslint = tsModule.default;
  const globals = globalsModule.default;
  return defineConfig(
    {
      name: 'orchestra/builtin/ignores',
      // Generated and vendored code is not the author's style; ESLint already skips node_modules and .git.
      ignores: ['**/dist/**', '**/coverage/**', '**/*.min.js', '**/*.bundle.js'],
    },
    { name: 'orchestra/builtin/javascript', files: BUILTIN_JS_FILES, extends: [js.configs.recommended] },
    {
      name: 'orchestra/builtin/jsx',
      files: ['**/*.jsx'],
      languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
    },
    {
      name: 'orchestra/builtin/typescript',
      files: BUILTIN_TS_FILES,
      extends: [js.configs.recommended, tseslint.configs.recommended],
    },
    {
      name: 'orchestra/builtin/globals',
      files: [...BUILTIN_JS_FILES, ...BUILTIN_TS_FILES],
      languageOptions: { globals: { ...globals.node, ...globals.browser } },
    },
  );
}
