import { fileURLToPath } from 'node:url';
import type { Agency } from '../shared/agency.js';
import { createLoaders, type SocialCareLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import { records } from './seed.js';
import { ddl, PG_SCHEMA, tables } from './store.js';

export const socialCare: Agency<SocialCareLoaders> = {
  name: 'social-care',
  title: "Children's social care",
  portOffset: 4,
  envPrefix: 'SOCIAL_CARE',
  pgSchema: PG_SCHEMA,
  schemaFile: fileURLToPath(new URL('./schema.graphql', import.meta.url)),
  ddl,
  tables,
  records,
  createLoaders,
  resolvers,
};
