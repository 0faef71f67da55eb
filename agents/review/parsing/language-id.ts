/**
 * The languages the review agents parse with tree-sitter, and detection by file extension.
 */

/** A language the shared tree-sitter loader can parse. `tsx` is TypeScript with JSX. */
export type LanguageId = 'javascript' | 'typescript' | 'tsx' | 'python' | 'json';

/** Every supported language, in a stable order. */
export const LANGUAGE_IDS: readonly LanguageId[] = ['javascript', 'typescript', 'tsx', 'python', 'json'];

const BY_EXTENSION: Readonly<Record<string, LanguageId>> = {
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.py': 'python',
  '.json': 'json',
};

/**
 * Returns the language of a file from its extension (case-insensitive), or `undefined` when the
 * review agents have no grammar for it. Declaration files (`.d.ts`) are TypeScript.
 */
export function detectLanguage(path: string): LanguageId | undefined {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const name = path.slice(slash + 1).toLowerCase();
  const dot = name.lastIndexOf('.');
  return dot < 0 ? undefined : BY_EXTENSION[name.slice(dot)];
}

/** True for a value that names a supported language (for parsing outside input). */
export function isLanguageId(value: unknown): value is LanguageId {
  return typeof value === 'string' && (LANGUAGE_IDS as readonly string[]).includes(value);
}

/** True for languages in the JavaScript family (one grammar shape: javascript, typescript, tsx). */
export function isJavaScriptFamily(lang: LanguageId): boolean {
  return lang === 'javascript' || lang === 'typescript' || lang === 'tsx';
}
