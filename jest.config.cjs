/** Jest configuration: TypeScript through ts-jest, tests under __tests__/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: {
    '^lifecycle-broadcast$': '<rootDir>/src/index.ts',
    '^lifecycle-broadcast/(.*)$': '<rootDir>/src/$1',
  },
  // One fast-check seed for the suite (FC_SEED overrides it): see __tests__/support/seed.ts.
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/seed.ts'],
  testResultsProcessor: '<rootDir>/scripts/jest-results.cjs',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
};
