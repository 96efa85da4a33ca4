import { dateBefore, int, pick, rng } from '../shared/rng.js';
import { childId, SEED } from '../shared/population.js';

type Rows = Record<string, unknown[][]>;

const KINDS = ['DOMESTIC_ABUSE', 'MISSING_EPISODE', 'CONCERN_FOR_WELFARE', 'ASB'];
const OFFENCES = ['Assault occasioning actual bodily harm', 'Possession with intent to supply', 'Breach of a non-molestation order', 'Criminal damage', 'Harassment', 'Theft'];
const RELATION = ['Father', "Mother's partner", 'Mother', 'Uncle', 'Older brother', 'Stepfather'];
const INTEL = ['Adult male associated with the household is believed to be supplying drugs from the address.', 'Child seen with older males linked to county lines activity.', 'Neighbour reports frequent shouting and a child crying late at night.', 'Household member believed to be in breach of bail conditions.'];
const SOURCES = ['Neighbour at the same address block', 'Covert human intelligence source', 'Member of the public (anonymous)', 'School caretaker', 'Relative of the child'];

const ref = (index: number, n: number) => `NT/${String(index).padStart(6, '0')}/${String(n).padStart(2, '0')}`;

const DEMO: Record<number, Rows> = {
  1: {
    known_children: [['C000001']],
    incidents: [
      ['C000001', 1, ref(1, 1), '2026-01-17', 'DOMESTIC_ABUSE', true, 'MEDIUM'],
      ['C000001', 2, ref(1, 2), '2026-03-28', 'DOMESTIC_ABUSE', true, 'HIGH'],
    ],
    household_offences: [['C000001', 1, ref(1, 3), '2025-10-05', 'Assault occasioning actual bodily harm', "Mother's partner"]],
    intelligence: [['C000001', 1, '2B', 'C', "Mother's partner believed to keep a weapon at the address.", 'Neighbour at the same address block']],
  },
  2: { known_children: [], incidents: [], household_offences: [], intelligence: [] },
  3: {
    known_children: [['C000003']],
    incidents: [['C000003', 1, ref(3, 1), '2026-05-29', 'MISSING_EPISODE', false, null], ['C000003', 2, ref(3, 2), '2026-07-13', 'MISSING_EPISODE', false, null]],
    household_offences: [],
    intelligence: [['C000003', 1, '3C', 'P', 'Child seen with older males linked to county lines activity.', 'Member of the public (anonymous)']],
  },
  4: {
    known_children: [['C000004']],
    incidents: [['C000004', 1, ref(4, 1), '2026-07-19', 'DOMESTIC_ABUSE', true, 'STANDARD']],
    household_offences: [],
    intelligence: [],
  },
  5: {
    known_children: [['C000005']],
    incidents: [],
    household_offences: [['C000005', 1, ref(5, 1), '2023-08-11', 'Possession with intent to supply', 'Father'], ['C000005', 2, ref(5, 2), '2024-12-02', 'Breach of a non-molestation order', 'Father']],
    intelligence: [['C000005', 1, '1A', 'C', 'Father released on licence; conditions prohibit contact with the child.', 'Probation service']],
  },
};

/** Police records for child number `index`: about a third of children are known to police. */
export function records(index: number): Rows {
  const demo = DEMO[index];
  if (demo) return demo;
  const r = rng(SEED, 'police', index);
  const id = childId(index);
  if (r() < 0.65) return {};
  const rows: Rows = { known_children: [[id]], incidents: [], household_offences: [], intelligence: [] };
  let n = 0;
  for (let i = 1, count = int(r, 0, 3); i <= count; i++) {
    const kind = pick(r, KINDS);
    const da = kind === 'DOMESTIC_ABUSE';
    rows['incidents']!.push([id, i, ref(index, ++n), dateBefore(int(r, 1, 900)), kind, da, da ? pick(r, ['STANDARD', 'MEDIUM', 'HIGH']) : null]);
  }
  if (r() < 0.3) rows['household_offences']!.push([id, 1, ref(index, ++n), dateBefore(int(r, 30, 1500)), pick(r, OFFENCES), pick(r, RELATION)]);
  if (r() < 0.2) rows['intelligence']!.push([id, 1, `${int(r, 1, 3)}${pick(r, ['A', 'B', 'C', 'D'])}`, r() < 0.5 ? 'P' : 'C', pick(r, INTEL), pick(r, SOURCES)]);
  return rows;
}
