/** Jest configuration: TypeScript through ts-jest, tests under __tests__/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: {
    '^lifecycle-broadcast$': '<rootDir>/src/index.ts',
    '^lifecycle-broadcast/(.*)$': '<rootDir>/src/$1',
  },
  testResultsProcessor: '<rootDir>/scripts/jest-results.cjs',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
};
