import { rowLoader, rowsLoader } from '../shared/loaders.js';
import type { Sql } from '../shared/sql.js';
import { queries, type AssessmentRow, type CaseRow, type ChildRow, type HouseholdRow, type PlanRow } from './store.js';

export function createLoaders(sql: Sql) {
  return {
    child: rowLoader<ChildRow>(sql, queries.children, 'id'),
    household: rowsLoader<HouseholdRow>(sql, queries.household, 'child_id'),
    case: rowLoader<CaseRow>(sql, queries.cases, 'child_id'),
    plan: rowLoader<PlanRow>(sql, queries.plans, 'child_id'),
    assessments: rowsLoader<AssessmentRow>(sql, queries.assessments, 'child_id'),
  };
}

export type SocialCareLoaders = ReturnType<typeof createLoaders>;
