import { GraphQLError } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { AgencyContext } from '../shared/agency.js';
import { assertChildId } from '../shared/loaders.js';
import type { SocialCareLoaders } from './loaders.js';
import type { CaseRow, ChildRow } from './store.js';

type Ctx = AgencyContext<SocialCareLoaders>;

/** The most children one request may ask for; larger lists are refused, not truncated. */
export const MAX_CHILDREN = 500;

export const resolvers: GraphQLResolverMap<Ctx> = {
  Query: {
    child(_: unknown, { id }: { id: string }, ctx: Ctx) {
      assertChildId(id);
      return ctx.loaders.child.load(id);
    },
    children(_: unknown, { ids }: { ids: string[] }, ctx: Ctx) {
      if (ids.length > MAX_CHILDREN) {
        throw new GraphQLError(`Ask for at most ${MAX_CHILDREN} children at once (got ${ids.length}).`, { extensions: { code: 'BAD_USER_INPUT', argument: 'ids' } });
      }
      ids.forEach((id) => assertChildId(id, 'ids'));
      return ctx.loaders.child.loadMany(ids);
    },
  },
  Child: {
    __resolveReference(ref: { id: string }, ctx: Ctx) {
      return ctx.loaders.child.load(ref.id);
    },
    dateOfBirth: (child: ChildRow) => child.date_of_birth,
    preAdoptionName: (child: ChildRow) => child.pre_adoption_name,
    household: (child: ChildRow, _: unknown, ctx: Ctx) => ctx.loaders.household.load(child.id),
    socialCare: (child: ChildRow, _: unknown, ctx: Ctx) => ctx.loaders.case.load(child.id),
  },
  SocialCare: {
    legalStatus: (c: CaseRow) => c.legal_status,
    placementAddress: (c: CaseRow) => c.placement_address,
    protectionPlan: (c: CaseRow, _: unknown, ctx: Ctx) => ctx.loaders.plan.load(c.child_id),
    assessments: (c: CaseRow, _: unknown, ctx: Ctx) => ctx.loaders.assessments.load(c.child_id),
  },
  ProtectionPlan: {
    startDate: (p: { start_date: string }) => p.start_date,
  },
};
