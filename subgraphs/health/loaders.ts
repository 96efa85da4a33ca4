import { rowLoader, rowsLoader } from '../shared/loaders.js';
import type { Sql } from '../shared/sql.js';
import { queries, type DatedRow, type DiagnosisRow, type PatientRow } from './store.js';

export function createLoaders(sql: Sql) {
  return {
    patient: rowLoader<PatientRow>(sql, queries.patients, 'child_id'),
    attendances: rowsLoader<DatedRow & { reason: string }>(sql, queries.attendances, 'child_id'),
    diagnoses: rowsLoader<DiagnosisRow>(sql, queries.diagnoses, 'child_id'),
    referrals: rowsLoader<DatedRow & { service: string }>(sql, queries.referrals, 'child_id'),
  };
}

export type HealthLoaders = ReturnType<typeof createLoaders>;
