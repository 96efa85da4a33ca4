import type { TableSpec } from '../shared/agency.js';

export const PG_SCHEMA = 'police';

export const ddl = [
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.known_children (child_id text PRIMARY KEY)`,
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.incidents (child_id text NOT NULL, ord int NOT NULL, reference text NOT NULL, date date NOT NULL, kind text NOT NULL, domestic_abuse boolean NOT NULL, risk_level text, PRIMARY KEY (child_id, ord))`,
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.household_offences (child_id text NOT NULL, ord int NOT NULL, reference text NOT NULL, date date NOT NULL, offence text NOT NULL, relationship text NOT NULL, PRIMARY KEY (child_id, ord))`,
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.intelligence (child_id text NOT NULL, ord int NOT NULL, grading text NOT NULL, handling_code text NOT NULL, summary text NOT NULL, source text NOT NULL, PRIMARY KEY (child_id, ord))`,
];

export const tables: TableSpec[] = [
  { name: 'known_children', columns: [['child_id', 'text']] },
  { name: 'incidents', columns: [['child_id', 'text'], ['ord', 'int'], ['reference', 'text'], ['date', 'date'], ['kind', 'text'], ['domestic_abuse', 'boolean'], ['risk_level', 'text']] },
  { name: 'household_offences', columns: [['child_id', 'text'], ['ord', 'int'], ['reference', 'text'], ['date', 'date'], ['offence', 'text'], ['relationship', 'text']] },
  { name: 'intelligence', columns: [['child_id', 'text'], ['ord', 'int'], ['grading', 'text'], ['handling_code', 'text'], ['summary', 'text'], ['source', 'text']] },
];

export const queries = {
  known: `SELECT child_id FROM ${PG_SCHEMA}.known_children WHERE child_id = ANY($1)`,
  incidents: `SELECT child_id, reference, date::text AS date, kind, domestic_abuse, risk_level FROM ${PG_SCHEMA}.incidents WHERE child_id = ANY($1) ORDER BY child_id, date DESC`,
  offences: `SELECT child_id, reference, date::text AS date, offence, relationship FROM ${PG_SCHEMA}.household_offences WHERE child_id = ANY($1) ORDER BY child_id, date DESC`,
  intelligence: `SELECT child_id, grading, handling_code, summary, source FROM ${PG_SCHEMA}.intelligence WHERE child_id = ANY($1) ORDER BY child_id, ord`,
};

export interface KnownRow extends Record<string, unknown> { child_id: string }
export interface IncidentRow extends Record<string, unknown> { child_id: string; reference: string; date: string; kind: string; domestic_abuse: boolean; risk_level: string | null }
export interface OffenceRow extends Record<string, unknown> { child_id: string; reference: string; date: string; offence: string; relationship: string }
export interface IntelligenceRow extends Record<string, unknown> { child_id: string; grading: string; handling_code: string; summary: string; source: string }
