import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { AgencyContext } from '../shared/agency.js';
import type { PoliceLoaders } from './loaders.js';
import type { IncidentRow, IntelligenceRow, KnownRow, OffenceRow } from './store.js';

type Ctx = AgencyContext<PoliceLoaders>;

async function records(known: KnownRow, ctx: Ctx) {
  const [incidents, offences] = await Promise.all([ctx.loaders.incidents.load(known.child_id), ctx.loaders.offences.load(known.child_id)]);
  const tagged = [...incidents.map((row) => ({ ...row, __typename: 'Incident' })), ...offences.map((row) => ({ ...row, __typename: 'HouseholdOffence' }))];
  return tagged.sort((a, b) => b.date.localeCompare(a.date));
}

export const resolvers: GraphQLResolverMap<Ctx> = {
  Child: {
    police: (child: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.known.load(child.id),
  },
  Police: {
    incidents: (k: KnownRow, _: unknown, ctx: Ctx) => ctx.loaders.incidents.load(k.child_id),
    householdOffences: (k: KnownRow, _: unknown, ctx: Ctx) => ctx.loaders.offences.load(k.child_id),
    intelligence: (k: KnownRow, _: unknown, ctx: Ctx) => ctx.loaders.intelligence.load(k.child_id),
    records: (k: KnownRow, _: unknown, ctx: Ctx) => records(k, ctx),
    timeline: (k: KnownRow, _: unknown, ctx: Ctx) => records(k, ctx),
  },
  PoliceRecord: { __resolveType: (row: { __typename: string }) => row.__typename },
  PoliceEvent: { __resolveType: (row: { __typename: string }) => row.__typename },
  Incident: {
    domesticAbuse: (row: IncidentRow) => row.domestic_abuse,
    riskLevel: (row: IncidentRow) => row.risk_level,
  },
  HouseholdOffence: {
    offence: (row: OffenceRow) => row.offence,
  },
  Intelligence: {
    handlingCode: (row: IntelligenceRow) => row.handling_code,
  },
};
