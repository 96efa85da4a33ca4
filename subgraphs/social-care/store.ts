import type { TableSpec } from '../shared/agency.js';

export const PG_SCHEMA = 'social_care';

export const ddl = [
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.children (id text PRIMARY KEY, name text NOT NULL, date_of_birth date NOT NULL, pre_adoption_name text, ethnicity text)`,
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.household_members (child_id text NOT NULL, ord int NOT NULL, name text NOT NULL, relationship text NOT NULL, PRIMARY KEY (child_id, ord))`,
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.cases (child_id text PRIMARY KEY, status text NOT NULL, legal_status text, placement_address text)`,
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.protection_plans (child_id text PRIMARY KEY, category text NOT NULL, start_date date NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.assessments (child_id text NOT NULL, ord int NOT NULL, date date NOT NULL, summary text NOT NULL, PRIMARY KEY (child_id, ord))`,
];

export const tables: TableSpec[] = [
  { name: 'children', columns: [['id', 'text'], ['name', 'text'], ['date_of_birth', 'date'], ['pre_adoption_name', 'text'], ['ethnicity', 'text']] },
  { name: 'household_members', columns: [['child_id', 'text'], ['ord', 'int'], ['name', 'text'], ['relationship', 'text']] },
  { name: 'cases', columns: [['child_id', 'text'], ['status', 'text'], ['legal_status', 'text'], ['placement_address', 'text']] },
  { name: 'protection_plans', columns: [['child_id', 'text'], ['category', 'text'], ['start_date', 'date']] },
  { name: 'assessments', columns: [['child_id', 'text'], ['ord', 'int'], ['date', 'date'], ['summary', 'text']] },
];

export const queries = {
  children: `SELECT id, name, date_of_birth::text AS date_of_birth, pre_adoption_name, ethnicity FROM ${PG_SCHEMA}.children WHERE id = ANY($1)`,
  household: `SELECT child_id, name, relationship FROM ${PG_SCHEMA}.household_members WHERE child_id = ANY($1) ORDER BY child_id, ord`,
  cases: `SELECT child_id, status, legal_status, placement_address FROM ${PG_SCHEMA}.cases WHERE child_id = ANY($1)`,
  plans: `SELECT child_id, category, start_date::text AS start_date FROM ${PG_SCHEMA}.protection_plans WHERE child_id = ANY($1)`,
  assessments: `SELECT child_id, date::text AS date, summary FROM ${PG_SCHEMA}.assessments WHERE child_id = ANY($1) ORDER BY child_id, date DESC`,
};

export interface ChildRow extends Record<string, unknown> { id: string; name: string; date_of_birth: string; pre_adoption_name: string | null; ethnicity: string | null }
export interface HouseholdRow extends Record<string, unknown> { child_id: string; name: string; relationship: string }
export interface CaseRow extends Record<string, unknown> { child_id: string; status: string; legal_status: string | null; placement_address: string | null }
export interface PlanRow extends Record<string, unknown> { child_id: string; category: string; start_date: string }
export interface AssessmentRow extends Record<string, unknown> { child_id: string; date: string; summary: string }
