import { dateBefore, int, pick, rng } from '../shared/rng.js';
import { childId, SEED } from '../shared/population.js';

type Rows = Record<string, unknown[][]>;

const SCHOOLS = ['Northtown Primary School', 'St Anne\'s CE Primary', 'Easton Academy', 'Riverside High School', 'Meadowbank Primary', 'Hillcrest Secondary', 'Oakfield Pupil Referral Unit'];
const REASONS = ['Persistent disruptive behaviour', 'Verbal abuse of staff', 'Physical assault of a pupil', 'Damage to property', 'Drug-related incident'];

const DEMO: Record<number, Rows> = {
  1: { pupils: [['C000001', 'Northtown Primary School', 'H801200001001', 5, 71.4, 'EHCP', true]], exclusions: [['C000001', 1, '2026-05-11', 'SUSPENSION', 'Physical assault of a pupil']] },
  2: { pupils: [['C000002', 'Riverside High School', 'H801200001002', 9, 96.2, 'NONE', false]], exclusions: [] },
  3: { pupils: [['C000003', 'Hillcrest Secondary', 'H801200001003', 10, 58.9, 'SEN_SUPPORT', false]], exclusions: [['C000003', 1, '2026-01-19', 'SUSPENSION', 'Persistent disruptive behaviour'], ['C000003', 2, '2026-06-02', 'SUSPENSION', 'Verbal abuse of staff']] },
  4: { pupils: [['C000004', 'Meadowbank Primary', 'H801200001004', 3, 88.0, 'SEN_SUPPORT', false]], exclusions: [] },
  5: { pupils: [['C000005', 'Easton Academy', 'H801200001005', 12, 91.7, 'NONE', false]], exclusions: [] },
};

/** Education's records for child number `index`: most children are on roll; a few have exclusions or SEND. */
export function records(index: number): Rows {
  const demo = DEMO[index];
  if (demo) return demo;
  const r = rng(SEED, 'education', index);
  const id = childId(index);
  if (r() < 0.08) return { pupils: [], exclusions: [] };
  const send = r() < 0.15 ? (r() < 0.3 ? 'EHCP' : 'SEN_SUPPORT') : 'NONE';
  const exclusions: unknown[][] = [];
  const n = r() < 0.12 ? int(r, 1, 3) : 0;
  for (let i = 1; i <= n; i++) exclusions.push([id, i, dateBefore(int(r, 1, 700)), r() < 0.1 ? 'PERMANENT' : 'SUSPENSION', pick(r, REASONS)]);
  return {
    pupils: [[id, pick(r, SCHOOLS), `H8012${String(index).padStart(8, '0')}`, int(r, 0, 13), Math.round((60 + r() * 40) * 10) / 10, send, send === 'EHCP']],
    exclusions,
  };
}
