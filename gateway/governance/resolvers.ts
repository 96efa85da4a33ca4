import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { AuditError } from '../audit/AuditError.js';
import type { AuditLog } from '../audit/AuditLog.js';
import { breakGlassEvents } from '../audit/breakGlassEvents.js';
import { listDisclosures } from '../audit/listDisclosures.js';
import { reviewBreakGlass } from '../audit/reviewBreakGlass.js';
import { subjectAccessReport } from '../audit/subjectAccessReport.js';
import type { GatewayClaims } from '../../subgraphs/shared/gatewayToken.js';

/** The only role that may read the disclosure log. */
export const GOVERNANCE_ROLE = 'IG_OVERSIGHT';

export interface GovernanceContext {
  caller: GatewayClaims;
  audit: AuditLog;
  policyVersion: () => string;
}

function date(value: string | null | undefined, argument: string): Date | null {
  if (value === null || value === undefined) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new GraphQLError(`${argument} must be an ISO-8601 date or time.`, { extensions: { code: 'BAD_USER_INPUT', argument } });
  return d;
}

/**
 * Checks the role, records the access in the chain (who looked at the log, and for what), then runs `fn`. Why
 * record first: a governance read that could not be recorded must not happen (DPA 2018 s62(4) limits log use).
 */
async function governed<T>(ctx: GovernanceContext, query: string, args: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
  if (ctx.caller.role !== GOVERNANCE_ROLE) {
    throw new GraphQLError(`Only ${GOVERNANCE_ROLE} (DPO, Caldicott Guardian, audit) may use ${query}.`, { extensions: { code: 'FORBIDDEN', requiredRole: GOVERNANCE_ROLE } });
  }
  try {
    if (query !== 'reviewBreakGlass') {
      await ctx.audit.record({
        kind: 'GOVERNANCE_ACCESS',
        requestId: ctx.caller.rid,
        actor: { sub: ctx.caller.sub, name: ctx.caller.name, role: ctx.caller.role, org: ctx.caller.org },
        purpose: ctx.caller.purpose,
        caseRef: null,
        justification: null,
        breakGlass: false,
        mode: 'enforce',
        policyVersion: ctx.policyVersion(),
        operation: { name: query, hash: createHash('sha256').update(JSON.stringify({ query, args })).digest('hex') },
        subjects: typeof args['childId'] === 'string' ? [{ childId: args['childId'], disclosed: [], withheld: [] }] : [],
        governance: { query, arguments: JSON.parse(JSON.stringify(args)) as Record<string, unknown> },
      });
    }
    return await fn();
  } catch (error) {
    if (error instanceof AuditError) throw new GraphQLError(error.message, { extensions: { code: error.code } });
    throw error;
  }
}

const eventView = (e: { subjects: unknown; operation?: { name: string | null } }) => ({ ...e, operationName: e.operation?.name ?? null });

export const resolvers: GraphQLResolverMap<GovernanceContext> = {
  Query: {
    disclosures: (_: unknown, args: Record<string, string | number | null>, ctx: GovernanceContext) =>
      governed(ctx, 'disclosures', args, async () => {
        const page = await listDisclosures(ctx.audit.sql, {
          childId: args['childId'] as string | null,
          actor: args['actor'] as string | null,
          coordinate: args['coordinate'] as string | null,
          from: date(args['from'] as string | null, 'from'),
          to: date(args['to'] as string | null, 'to'),
          first: (args['first'] as number) ?? 50,
          after: args['after'] as string | null,
        });
        return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: eventView(e.node) })) };
      }),
    subjectAccessReport: (_: unknown, args: { childId: string }, ctx: GovernanceContext) =>
      governed(ctx, 'subjectAccessReport', args, () => subjectAccessReport(ctx.audit.sql, args.childId)),
    breakGlassEvents: (_: unknown, args: { reviewed?: boolean | null; first?: number; after?: string | null }, ctx: GovernanceContext) =>
      governed(ctx, 'breakGlassEvents', args, async () => {
        const page = await breakGlassEvents(ctx.audit.sql, args);
        return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: { event: eventView(e.node.event), reviews: e.node.reviews } })) };
      }),
  },
  Mutation: {
    reviewBreakGlass: (_: unknown, args: { eventId: string; note: string }, ctx: GovernanceContext) =>
      governed(ctx, 'reviewBreakGlass', args, () =>
        reviewBreakGlass(ctx.audit, { eventId: args.eventId, note: args.note, reviewer: { sub: ctx.caller.sub, name: ctx.caller.name, role: ctx.caller.role, org: ctx.caller.org }, requestId: ctx.caller.rid, policyVersion: ctx.policyVersion() }),
      ),
  },
};
