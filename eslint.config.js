// Lint rules for the TypeScript sources. `npm run lint` runs this; `npm test` runs it after the type check.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'dist/', '.data/', 'coverage/', 'templates/', 'test/e2e/artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Sanitisers strip control characters on purpose, and the rule has no allow-list for them.
      'no-control-regex': 'off',
    },
  },
  {
    // Type-aware rules cost ~25 s on two cores, so they run where a dropped promise loses work in
    // production; the full recommendedTypeChecked set over the whole tree took ~85 s.
    files: ['functions/**/*.ts', 'infra/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Core is pure: settings arrive as validated values and "now" comes from the Clock port.
    files: ['functions/core/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'core takes settings as arguments; read the environment in the adapters/runtime wiring.',
        },
        { object: 'Date', property: 'now', message: 'core takes the time from the Clock port.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'core takes the time from the Clock port.' },
      ],
    },
  },
  {
    files: ['bin/**/*.js', '*.js', 'examples/**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
);
