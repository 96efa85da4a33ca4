import { dateBefore, int, pick, rng } from './rng.js';

/** The fixed seed of all synthetic data. Changing it changes every record. */
export const SEED = 20261125;

/** Child identifiers: `C` and six digits, the consistent identifier every agency keys its records by. */
export const CHILD_ID = /^C\d{6}$/;

export function childId(index: number): string {
  return `C${String(index).padStart(6, '0')}`;
}

export function childIndex(id: string): number {
  return Number(id.slice(1));
}

/** How many children a seed holds by default; `npm run seed -- --children N` changes it. */
export const DEFAULT_CHILDREN = 300;

/** Demo children with hand-written records in every agency; always present. */
export const DEMO_CHILDREN = 5;

const FIRST = ['Amelia', 'Oliver', 'Isla', 'Noah', 'Ava', 'Leo', 'Mia', 'Arthur', 'Freya', 'Muhammad', 'Lily', 'Theo', 'Grace', 'Oscar', 'Evie', 'Harry', 'Ivy', 'Jack', 'Sophia', 'George', 'Rosie', 'Alfie', 'Poppy', 'Finley', 'Zara', 'Kai', 'Maya', 'Ezra', 'Nia', 'Reuben'];
const LAST = ['Hart', 'Okafor', 'Patel', 'Nowak', 'Evans', 'Begum', 'Clarke', 'Murphy', 'Khan', 'Wright', 'Singh', 'Hughes', 'Ali', 'Reid', 'Kowalski', 'Lewis', 'Adeyemi', 'Price', 'Shah', 'Walsh', 'Green', 'Hussain', 'Bennett', 'Mensah', 'Doyle'];
const ADULT = ['Sarah', 'Daniel', 'Kerry', 'Mark', 'Aisha', 'Lee', 'Joanne', 'Craig', 'Fatima', 'Wayne', 'Nicola', 'Dean', 'Agnieszka', 'Tariq', 'Leanne'];

export interface HouseholdMember {
  name: string;
  relationship: string;
}

export interface Person {
  id: string;
  name: string;
  dateOfBirth: string;
  household: HouseholdMember[];
}

const DEMO: Record<number, Person> = {
  1: { id: 'C000001', name: 'Amelia Hart', dateOfBirth: '2016-03-14', household: [{ name: 'Kerry Hart', relationship: 'Mother' }, { name: 'Wayne Doyle', relationship: "Mother's partner" }, { name: 'Leo Hart', relationship: 'Brother' }] },
  2: { id: 'C000002', name: 'Oliver Okafor', dateOfBirth: '2012-07-02', household: [{ name: 'Grace Mensah', relationship: 'Foster carer' }] },
  3: { id: 'C000003', name: 'Isla Nowak', dateOfBirth: '2010-11-23', household: [{ name: 'Agnieszka Nowak', relationship: 'Mother' }, { name: 'Tomasz Nowak', relationship: 'Father' }] },
  4: { id: 'C000004', name: 'Noah Begum', dateOfBirth: '2018-01-30', household: [{ name: 'Aisha Begum', relationship: 'Mother' }, { name: 'Tariq Khan', relationship: 'Father' }, { name: 'Zara Begum', relationship: 'Sister' }] },
  5: { id: 'C000005', name: 'Ava Clarke', dateOfBirth: '2009-05-09', household: [{ name: 'Joanne Clarke', relationship: 'Grandmother' }] },
};

/** The identity of child number `index` (1-based), shared by every agency's seed. */
export function person(index: number): Person {
  const demo = DEMO[index];
  if (demo) return demo;
  const r = rng(SEED, 'person', index);
  const last = pick(r, LAST);
  const household: HouseholdMember[] = [{ name: `${pick(r, ADULT)} ${last}`, relationship: pick(r, ['Mother', 'Father', 'Grandmother', 'Aunt']) }];
  if (r() < 0.5) household.push({ name: `${pick(r, ADULT)} ${pick(r, LAST)}`, relationship: pick(r, ["Mother's partner", 'Father', 'Stepfather', 'Uncle']) });
  if (r() < 0.4) household.push({ name: `${pick(r, FIRST)} ${last}`, relationship: pick(r, ['Brother', 'Sister']) });
  return {
    id: childId(index),
    name: `${pick(r, FIRST)} ${last}`,
    dateOfBirth: dateBefore(int(r, 365, 17 * 365)),
    household,
  };
}
