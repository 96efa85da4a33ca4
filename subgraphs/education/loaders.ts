import { rowLoader, rowsLoader } from '../shared/loaders.js';
import type { Sql } from '../shared/sql.js';
import { queries, type ExclusionRow, type PupilRow } from './store.js';

export function createLoaders(sql: Sql) {
  return {
    pupil: rowLoader<PupilRow>(sql, queries.pupils, 'child_id'),
    exclusions: rowsLoader<ExclusionRow>(sql, queries.exclusions, 'child_id'),
  };
}

export type EducationLoaders = ReturnType<typeof createLoaders>;
