import type { TableSpec } from '../shared/agency.js';

export const PG_SCHEMA = 'education';

export const ddl = [
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.pupils (child_id text PRIMARY KEY, school text NOT NULL, upn text NOT NULL, year_group int, attendance_rate numeric(5,1) NOT NULL, send_status text NOT NULL, ehcp boolean NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.exclusions (child_id text NOT NULL, ord int NOT NULL, date date NOT NULL, kind text NOT NULL, reason text NOT NULL, PRIMARY KEY (child_id, ord))`,
];

export const tables: TableSpec[] = [
  { name: 'pupils', columns: [['child_id', 'text'], ['school', 'text'], ['upn', 'text'], ['year_group', 'int'], ['attendance_rate', 'numeric'], ['send_status', 'text'], ['ehcp', 'boolean']] },
  { name: 'exclusions', columns: [['child_id', 'text'], ['ord', 'int'], ['date', 'date'], ['kind', 'text'], ['reason', 'text']] },
];

export const queries = {
  pupils: `SELECT child_id, school, upn, year_group, attendance_rate::float8 AS attendance_rate, send_status, ehcp FROM ${PG_SCHEMA}.pupils WHERE child_id = ANY($1)`,
  exclusions: `SELECT child_id, date::text AS date, kind, reason FROM ${PG_SCHEMA}.exclusions WHERE child_id = ANY($1) ORDER BY child_id, date DESC`,
};

export interface PupilRow extends Record<string, unknown> { child_id: string; school: string; upn: string; year_group: number | null; attendance_rate: number; send_status: string; ehcp: boolean }
export interface ExclusionRow extends Record<string, unknown> { child_id: string; date: string; kind: string; reason: string }
