import { fileURLToPath } from 'node:url';
import type { Agency } from '../shared/agency.js';
import { createLoaders, type HealthLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import { records } from './seed.js';
import { ddl, PG_SCHEMA, tables } from './store.js';

export const health: Agency<HealthLoaders> = {
  name: 'health',
  title: 'Health',
  portOffset: 3,
  envPrefix: 'HEALTH',
  pgSchema: PG_SCHEMA,
  schemaFile: fileURLToPath(new URL('./schema.graphql', import.meta.url)),
  ddl,
  tables,
  records,
  createLoaders,
  resolvers,
};
