import { fileURLToPath } from 'node:url';
import type { Agency } from '../shared/agency.js';
import { createLoaders, type PoliceLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import { records } from './seed.js';
import { ddl, PG_SCHEMA, tables } from './store.js';

export const police: Agency<PoliceLoaders> = {
  name: 'police',
  title: 'Police',
  portOffset: 1,
  envPrefix: 'POLICE',
  pgSchema: PG_SCHEMA,
  schemaFile: fileURLToPath(new URL('./schema.graphql', import.meta.url)),
  ddl,
  tables,
  records,
  createLoaders,
  resolvers,
};
