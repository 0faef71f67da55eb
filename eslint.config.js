// ESLint flat config for the Orchestra repository itself.
// The import boundaries (shared <- agents <- hosts) are enforced here, per folder, so that a wrong-way
// import fails `npm run lint` and therefore CI. See ARCHITECTURE.md "Layering".
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const hostFolders = ['extension', 'github-app', 'cli'];
/** Import patterns (gitignore-style, matched against the import string) that reach a folder. */
const reach = (folder) => [`**/${folder}`, `**/${folder}/**`];
const hostLibraries = ['vscode', 'probot', 'probot/**', '@probot/**'];

/** @param {string[]} group @param {string} message */
const forbid = (group, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group, message }] }],
});

export default tseslint.config(
  {
    ignores: ['node_modules/**', '**/node_modules/**', 'dist/**', 'extension/dist/**', 'coverage/**', '**/fixtures/**', 'bench/.cache/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The webviews are browser code with their own tsconfig (DOM types).
  {
    files: ['extension/src/webview/dashboard.ts', 'extension/src/webview/chat.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './extension/src/webview/tsconfig.json', tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  // Layering: the agent core imports no other project folder and no host library.
  {
    files: ['shared/**/*.ts'],
    rules: forbid(
      [...reach('agents'), ...hostFolders.flatMap(reach), ...hostLibraries],
      'shared/ is the agent core: it imports no other project folder and never vscode or probot.',
    ),
  },
  // Agents import only the core.
  {
    files: ['agents/**/*.ts'],
    rules: forbid(
      [...hostFolders.flatMap(reach), ...hostLibraries],
      'agents/ import only shared/ (the agent core), never a host or a host library.',
    ),
  },
  // Hosts may import shared/ and agents/, but not each other. One exception: the CLI is the launcher
  // of the GitHub App (`orchestra serve`, `orchestra worker`), so it may import the app's two entry
  // modules, and nothing else of it.
  ...hostFolders.map((host) => ({
    files: [`${host}/**/*.ts`],
    rules:
      host === 'cli'
        ? {
            'no-restricted-imports': ['error', { patterns: [
              { group: reach('extension'), message: 'cli/ is a host: it imports shared/ and agents/, never another host.' },
              {
                regex: '(^|/)github-app(/(?!(server|app-settings)\\.js$).*)?$',
                message: 'cli/ imports of the GitHub App only its entry modules github-app/server.js and github-app/app-settings.js.',
              },
            ] }],
          }
        : forbid(hostFolders.filter((h) => h !== host).flatMap(reach), `${host}/ is a host: it imports shared/ and agents/, never another host.`),
  })),
);
