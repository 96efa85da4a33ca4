import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { AgencyContext } from '../shared/agency.js';
import type { EducationLoaders } from './loaders.js';
import type { PupilRow } from './store.js';

type Ctx = AgencyContext<EducationLoaders>;

export const resolvers: GraphQLResolverMap<Ctx> = {
  Child: {
    education: (child: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.pupil.load(child.id),
  },
  Education: {
    yearGroup: (p: PupilRow) => p.year_group,
    attendanceRate: (p: PupilRow) => p.attendance_rate,
    sendStatus: (p: PupilRow) => p.send_status,
    exclusions: (p: PupilRow, _: unknown, ctx: Ctx) => ctx.loaders.exclusions.load(p.child_id),
  },
};
