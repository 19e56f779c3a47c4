import tseslint from 'typescript-eslint';

/** Layers point one way (app → features → components/state → kernel client/store → core → lib); lint enforces it. */
const layer = (files, forbidden, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }] },
});

export default tseslint.config(
  { ignores: ['dist/', 'dist-*/', 'node_modules/', 'test-results/', 'bench/results/', 'src/core/ipynb/__fixtures__/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  layer(['src/core/**', 'src/lib/**'], ['react', 'react-dom', 'dexie', '**/store/**', '**/state/**', '**/features/**', '**/components/**', '**/app/**', '**/kernel/**', 'monaco-editor*', '@tensorflow/*', 'danfojs', 'plotly.js*'], 'core and lib are pure TypeScript: no React, storage, UI or heavy libraries.'),
  layer(['src/kernel/worker/**'], ['react', 'react-dom', 'dexie', '**/store/**', '**/state/**', '**/features/**', '**/components/**', '**/app/**'], 'The kernel worker imports core and lib only, never React or the store.'),
  layer(['src/components/**'], ['**/features/**', '**/app/**', '**/store/**', 'dexie'], 'Components are dumb, reusable UI.'),
  layer(['src/store/**'], ['react', 'react-dom', '**/features/**', '**/components/**', '**/app/**', '**/state/**'], 'The store knows nothing of the UI.'),
  layer(['src/features/**', 'src/app/**', 'src/state/**', 'src/components/**'], ['dexie'], 'Only src/store imports dexie.'),
  {
    // Shipped inside the exported server as plain JS next to nothing else: sibling imports only.
    files: ['src/preprocess/**'],
    ignores: ['src/preprocess/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./[\\w-]+$)', message: 'src/preprocess ships inside the exported server as plain JS: import only sibling modules (./name), nothing outside the folder.' }] }],
    },
  },
);
