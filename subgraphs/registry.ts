import type { Agency } from './shared/agency.js';
import { education } from './education/index.js';
import { health } from './health/index.js';
import { police } from './police/index.js';
import { socialCare } from './social-care/index.js';

/**
 * Every agency subgraph, in port order (PORT+1 … PORT+4). Adding an agency: copy a folder, edit its SDL,
 * store, loaders, resolvers and seed, add it here, run `npm run compose` and `npm test`.
 */
export const agencies: ReadonlyArray<Agency> = [police, education, health, socialCare] as ReadonlyArray<Agency>;

export function agencyNamed(name: string): Agency | undefined {
  return agencies.find((a) => a.name === name);
}
