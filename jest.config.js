/**
 * Jest in native ESM mode (node --experimental-vm-modules), with SWC as the TypeScript transform.
 * Type checking is separate (`npm run typecheck`); see ../shared/STACK.md for why this setup.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/fixtures/'],
  testTimeout: 30000,
  // In CI a handle some failed test left open must not keep the run alive until CI's own time limit
  // (a hung run reports nothing). Locally jest says "did not exit" instead, so leaks stay visible; tests
  // that start servers and workers also check for leftovers themselves.
  forceExit: process.env.CI === 'true',
};
