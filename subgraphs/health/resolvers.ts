import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { AgencyContext } from '../shared/agency.js';
import type { HealthLoaders } from './loaders.js';
import type { PatientRow } from './store.js';

type Ctx = AgencyContext<HealthLoaders>;

export const resolvers: GraphQLResolverMap<Ctx> = {
  Child: {
    health: (child: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.patient.load(child.id),
  },
  Health: {
    nhsNumber: (p: PatientRow) => p.nhs_number,
    gpPractice: (p: PatientRow) => p.gp_practice,
    emergencyAttendances: (p: PatientRow, _: unknown, ctx: Ctx) => ctx.loaders.attendances.load(p.child_id),
    diagnoses: (p: PatientRow, _: unknown, ctx: Ctx) => ctx.loaders.diagnoses.load(p.child_id),
    mentalHealthReferrals: (p: PatientRow, _: unknown, ctx: Ctx) => ctx.loaders.referrals.load(p.child_id),
  },
};
