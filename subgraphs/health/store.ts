import type { TableSpec } from '../shared/agency.js';

export const PG_SCHEMA = 'health';

export const ddl = [
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.patients (child_id text PRIMARY KEY, nhs_number text NOT NULL, gp_practice text NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.emergency_attendances (child_id text NOT NULL, ord int NOT NULL, date date NOT NULL, reason text NOT NULL, PRIMARY KEY (child_id, ord))`,
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.diagnoses (child_id text NOT NULL, ord int NOT NULL, code text NOT NULL, description text NOT NULL, PRIMARY KEY (child_id, ord))`,
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.mental_health_referrals (child_id text NOT NULL, ord int NOT NULL, date date NOT NULL, service text NOT NULL, PRIMARY KEY (child_id, ord))`,
];

export const tables: TableSpec[] = [
  { name: 'patients', columns: [['child_id', 'text'], ['nhs_number', 'text'], ['gp_practice', 'text']] },
  { name: 'emergency_attendances', columns: [['child_id', 'text'], ['ord', 'int'], ['date', 'date'], ['reason', 'text']] },
  { name: 'diagnoses', columns: [['child_id', 'text'], ['ord', 'int'], ['code', 'text'], ['description', 'text']] },
  { name: 'mental_health_referrals', columns: [['child_id', 'text'], ['ord', 'int'], ['date', 'date'], ['service', 'text']] },
];

export const queries = {
  patients: `SELECT child_id, nhs_number, gp_practice FROM ${PG_SCHEMA}.patients WHERE child_id = ANY($1)`,
  attendances: `SELECT child_id, date::text AS date, reason FROM ${PG_SCHEMA}.emergency_attendances WHERE child_id = ANY($1) ORDER BY child_id, date DESC`,
  diagnoses: `SELECT child_id, code, description FROM ${PG_SCHEMA}.diagnoses WHERE child_id = ANY($1) ORDER BY child_id, ord`,
  referrals: `SELECT child_id, date::text AS date, service FROM ${PG_SCHEMA}.mental_health_referrals WHERE child_id = ANY($1) ORDER BY child_id, date DESC`,
};

export interface PatientRow extends Record<string, unknown> { child_id: string; nhs_number: string; gp_practice: string }
export interface DatedRow extends Record<string, unknown> { child_id: string; date: string }
export interface DiagnosisRow extends Record<string, unknown> { child_id: string; code: string; description: string }
