// One config, two projects: pure specs beside the code, and suites that boot the service on real PostgreSQL.
const transform = {
  '^.+\\.ts$': ['@swc/jest', {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  }],
};
module.exports = {
  testTimeout: 60000,
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform, setupFiles: ['<rootDir>/test/support/pg-boss-timers.js'], testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'] },
    {
      displayName: 'e2e', testEnvironment: 'node', transform,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/support/pg-boss-timers.js'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
