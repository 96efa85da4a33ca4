import { dateBefore, int, pick, rng } from '../shared/rng.js';
import { person, SEED } from '../shared/population.js';

type Rows = Record<string, unknown[][]>;

interface Demo {
  preAdoptionName?: string;
  ethnicity?: string;
  cases: unknown[][];
  protection_plans: unknown[][];
  assessments: unknown[][];
}

const DEMO: Record<number, Demo> = {
  1: {
    preAdoptionName: 'Amelia Stone',
    ethnicity: 'White British',
    cases: [['C000001', 'CHILD_PROTECTION_PLAN', null, 'Flat 3, 14 Larch Road, Northtown NT4 7QP']],
    protection_plans: [['C000001', 'NEGLECT', '2026-04-20']],
    assessments: [
      ['C000001', 1, '2026-03-30', 'Single assessment: home conditions poor, missed health appointments, mother disclosed partner violence.'],
      ['C000001', 2, '2026-04-14', 'Strategy discussion: threshold for s47 met; initial child protection conference convened.'],
    ],
  },
  2: {
    ethnicity: 'Black African',
    cases: [['C000002', 'LOOKED_AFTER', 'S31', '22 Orchard Close, Easton EA2 9LB']],
    protection_plans: [],
    assessments: [['C000002', 1, '2025-11-03', 'Care plan review: settled in foster placement; contact with birth family supervised.']],
  },
  3: {
    ethnicity: 'White other',
    cases: [['C000003', 'CHILD_IN_NEED', null, null]],
    protection_plans: [],
    assessments: [['C000003', 1, '2026-06-12', 'Child in need assessment: persistent absence, repeated missing episodes, emotional wellbeing concerns.']],
  },
  4: {
    ethnicity: 'Asian British',
    cases: [['C000004', 'EARLY_HELP', null, null]],
    protection_plans: [],
    assessments: [['C000004', 1, '2026-08-01', 'Early help assessment: family support plan agreed with parents after a police-attended incident.']],
  },
  5: {
    ethnicity: 'Mixed',
    cases: [['C000005', 'NO_OPEN_CASE', null, null]],
    protection_plans: [],
    assessments: [['C000005', 1, '2024-02-19', 'Case closed after kinship arrangement with grandmother stabilised.']],
  },
};

const STATUSES = ['NO_OPEN_CASE', 'NO_OPEN_CASE', 'EARLY_HELP', 'ASSESSMENT', 'CHILD_IN_NEED', 'CHILD_PROTECTION_PLAN', 'LOOKED_AFTER'] as const;
const PLAN = ['NEGLECT', 'PHYSICAL', 'SEXUAL', 'EMOTIONAL', 'MULTIPLE'];
const SUMMARIES = ['Single assessment completed; needs met by universal services.', 'Concerns about home conditions and supervision.', 'Parental substance misuse affecting care.', 'Domestic abuse in the household; safety plan agreed.', 'Young carer; support offered.', 'Repeated missing episodes; exploitation screening completed.'];
const STREETS = ['Larch Road', 'Mill Lane', 'Station Road', 'Church Walk', 'Victoria Street', 'Oak Avenue'];

/** Social care's records for child number `index`: identity, household, case status, plan, assessments. */
export function records(index: number): Rows {
  const p = person(index);
  const household = p.household.map((m, i) => [p.id, i + 1, m.name, m.relationship]);
  const demo = DEMO[index];
  if (demo) {
    const { preAdoptionName, ethnicity, ...rest } = demo;
    return { children: [[p.id, p.name, p.dateOfBirth, preAdoptionName ?? null, ethnicity ?? null]], household_members: household, ...rest };
  }
  const r = rng(SEED, 'social-care', index);
  const status = pick(r, STATUSES);
  const lookedAfter = status === 'LOOKED_AFTER';
  const rows: Rows = {
    children: [[p.id, p.name, p.dateOfBirth, r() < 0.01 ? `${p.name.split(' ')[0]} ${pick(r, ['Stone', 'Field', 'Marsh'])}` : null, r() < 0.6 ? pick(r, ['White British', 'Asian British', 'Black British', 'Mixed', 'White other']) : null]],
    household_members: household,
    cases: [[p.id, status, lookedAfter ? pick(r, ['S20', 'S31', 'S38']) : null, lookedAfter ? `${int(r, 1, 99)} ${pick(r, STREETS)}, Northtown NT${int(r, 1, 9)} ${int(r, 1, 9)}AB` : null]],
    protection_plans: status === 'CHILD_PROTECTION_PLAN' ? [[p.id, pick(r, PLAN), dateBefore(int(r, 10, 400))]] : [],
    assessments: [],
  };
  const n = status === 'NO_OPEN_CASE' ? int(r, 0, 1) : int(r, 1, 3);
  for (let i = 1; i <= n; i++) (rows['assessments'] as unknown[][]).push([p.id, i, dateBefore(int(r, 1, 900)), pick(r, SUMMARIES)]);
  return rows;
}
