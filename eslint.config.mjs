// ESLint with typescript-eslint's type-aware rules over every TypeScript file tsconfig.json
// compiles. `npm run lint`; `npm test` runs it first. A rule is switched off only with its
// reason beside it.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.demo/**', 'test-output/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'demo/**/*.ts', 'bench/**/*.ts', 'scripts/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // node:test's describe and it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'only', 'skip', 'todo'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      // An async function without await still turns a throw into a rejection; implementations of
      // Promise-returning interfaces (close(), open(), test doubles) rely on that.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      // unknown narrowed past null and undefined reads as {} (a warehouse cell, a caught value); the rule leaves unknown alone, so {} too.
      '@typescript-eslint/no-base-to-string': ['error', { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', '{}'] }],
      // Passing on a caught value (typed unknown) is re-throwing it, which only-throw-error allows too.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // A leading underscore names a value kept on purpose (a destructured field left out, a parameter a signature requires).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Each request is a namespace holding its method and type, the layout vscode-languageserver-protocol
    // and vscode-eslint use, so client and server name a request the same way.
    files: ['src/shared/protocol.ts'],
    rules: { '@typescript-eslint/no-namespace': 'off' },
  },
  {
    // Test bodies read parsed JSON (the CLI's --json output, LSP answers, package.json) and assert on
    // its shape; a wrong guess there fails the assertion that follows it. Test support code (fakes,
    // fixtures, harnesses) stays checked.
    files: ['test/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
