import { dateBefore, int, pick, rng } from '../shared/rng.js';
import { childId, SEED } from '../shared/population.js';

type Rows = Record<string, unknown[][]>;

const PRACTICES = ['Northtown Medical Centre', 'Riverside Surgery', 'Easton Health Centre', 'Hillcrest Family Practice', 'Market Street Surgery'];
const AE = ['Head injury, fall at home', 'Burn to forearm', 'Ingestion of medication', 'Fracture, left wrist', 'Asthma attack', 'Self-harm, superficial cuts', 'Alcohol intoxication'];
const DX: Array<[string, string]> = [['F90.0', 'Attention deficit hyperactivity disorder'], ['F32.1', 'Moderate depressive episode'], ['J45.9', 'Asthma'], ['F84.0', 'Autism spectrum disorder'], ['E66.9', 'Obesity'], ['F41.1', 'Generalised anxiety disorder']];
const SERVICES = ['CAMHS', 'CAMHS crisis team', 'School nursing emotional health service', 'Eating disorders service'];

/** An NHS number from the 999 range reserved for testing, with a valid modulus-11 check digit where one exists. */
function nhsNumber(index: number): string {
  const body = `999${String(index % 1_000_000).padStart(6, '0')}`;
  const sum = [...body].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
  const check = (11 - (sum % 11)) % 11;
  return `${body}${check === 10 ? 0 : check}`;
}

const DEMO: Record<number, Rows> = {
  1: {
    patients: [['C000001', nhsNumber(1), 'Northtown Medical Centre']],
    emergency_attendances: [['C000001', 1, '2026-02-08', 'Burn to forearm'], ['C000001', 2, '2026-03-21', 'Head injury, fall at home']],
    diagnoses: [['C000001', 1, 'F91.3', 'Oppositional defiant disorder']],
    mental_health_referrals: [['C000001', 1, '2026-04-02', 'CAMHS']],
  },
  2: { patients: [['C000002', nhsNumber(2), 'Riverside Surgery']], emergency_attendances: [], diagnoses: [['C000002', 1, 'J45.9', 'Asthma']], mental_health_referrals: [] },
  3: {
    patients: [['C000003', nhsNumber(3), 'Hillcrest Family Practice']],
    emergency_attendances: [['C000003', 1, '2026-05-30', 'Self-harm, superficial cuts'], ['C000003', 2, '2026-07-14', 'Alcohol intoxication']],
    diagnoses: [['C000003', 1, 'F32.1', 'Moderate depressive episode']],
    mental_health_referrals: [['C000003', 1, '2026-06-01', 'CAMHS crisis team']],
  },
  4: { patients: [['C000004', nhsNumber(4), 'Easton Health Centre']], emergency_attendances: [['C000004', 1, '2026-07-20', 'Fracture, left wrist']], diagnoses: [], mental_health_referrals: [] },
  5: { patients: [['C000005', nhsNumber(5), 'Market Street Surgery']], emergency_attendances: [], diagnoses: [['C000005', 1, 'F41.1', 'Generalised anxiety disorder']], mental_health_referrals: [['C000005', 1, '2025-09-15', 'School nursing emotional health service']] },
};

/** Health's records for child number `index`. */
export function records(index: number): Rows {
  const demo = DEMO[index];
  if (demo) return demo;
  const r = rng(SEED, 'health', index);
  const id = childId(index);
  if (r() < 0.04) return {};
  const rows: Rows = { patients: [[id, nhsNumber(index), pick(r, PRACTICES)]], emergency_attendances: [], diagnoses: [], mental_health_referrals: [] };
  const visits = r() < 0.3 ? int(r, 1, 4) : 0;
  for (let i = 1; i <= visits; i++) rows['emergency_attendances']!.push([id, i, dateBefore(int(r, 1, 800)), pick(r, AE)]);
  if (r() < 0.25) {
    const [code, description] = pick(r, DX);
    rows['diagnoses']!.push([id, 1, code, description]);
  }
  if (r() < 0.12) rows['mental_health_referrals']!.push([id, 1, dateBefore(int(r, 1, 600)), pick(r, SERVICES)]);
  return rows;
}
