import { rowLoader, rowsLoader } from '../shared/loaders.js';
import type { Sql } from '../shared/sql.js';
import { queries, type IncidentRow, type IntelligenceRow, type KnownRow, type OffenceRow } from './store.js';

export function createLoaders(sql: Sql) {
  return {
    known: rowLoader<KnownRow>(sql, queries.known, 'child_id'),
    incidents: rowsLoader<IncidentRow>(sql, queries.incidents, 'child_id'),
    offences: rowsLoader<OffenceRow>(sql, queries.offences, 'child_id'),
    intelligence: rowsLoader<IntelligenceRow>(sql, queries.intelligence, 'child_id'),
  };
}

export type PoliceLoaders = ReturnType<typeof createLoaders>;
