/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // isolatedModules: transpile each file on its own (type errors are caught by `npm run typecheck`, which `npm test` runs first)
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  setupFiles: ['reflect-metadata'],
  // decides before any test is declared whether MariaDB and the optional Wechaty packages are
  // there: missing ones are reported as skipped with a reason, and fail the run under CI
  globalSetup: '<rootDir>/test/support/environment.ts',
  reporters: ['default', '<rootDir>/test/support/skip-reporter.js'],
  maxWorkers: 2,
  testTimeout: 30000,
};
