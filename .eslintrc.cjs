/** ESLint 8 configuration: typescript-eslint strict, type-checked, zero warnings. */
module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  parserOptions: {
    project: ['./tsconfig.json'],
    tsconfigRootDir: __dirname,
  },
  plugins: ['@typescript-eslint'],
  extends: [
    'eslint:recommended',
    'plugin:@typescript-eslint/strict-type-checked',
    'plugin:@typescript-eslint/stylistic-type-checked',
  ],
  rules: {
    '@typescript-eslint/consistent-type-imports': 'error',
    '@typescript-eslint/switch-exhaustiveness-check': 'error',
    // fp-ts style: `ReadonlyArray<A>` for read-only arrays.
    '@typescript-eslint/array-type': ['error', { default: 'array-simple', readonly: 'generic' }],
    // `as X` narrowing is preferred to `!`, which the strict set forbids.
    '@typescript-eslint/non-nullable-type-assertion-style': 'off',
    // io-ts style named types: `interface X extends t.TypeOf<typeof XC> {}` names a codec's type.
    '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
  },
  ignorePatterns: ['dist/', 'node_modules/', 'coverage/', '*.cjs', '*.js', '*.mjs'],
};
