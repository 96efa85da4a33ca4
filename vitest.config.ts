import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Apollo's packages load graphql's CommonJS build; our files must share that one module instance, or
  // graphql-js refuses schemas from "another realm" (it does the same under plain node).
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    // Two cores here; each worker may open an embedded PostgreSQL (~230 MB).
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
