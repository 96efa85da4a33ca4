import type { ApolloGateway } from '@apollo/gateway';
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface, GatewayLoadResult, GatewayUnsubscriber } from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { AuditEventInput, AuditReceipt } from './audit/AuditEvent.js';
import { checkPolicy } from './policy/checks.js';
import { PolicyDefinitionError } from './policy/errors.js';
import { planOperation, type OperationPlan } from './policy/planOperation.js';
import { Policy } from './policy/Policy.js';
import { shapeResponse, withholdAll, type Shaped } from './policy/shapeResponse.js';
import type { RequestContext } from './RequestContext.js';

/** Where disclosures are recorded before the answer leaves. */
export interface AuditSink {
  record(event: AuditEventInput): Promise<AuditReceipt>;
}

export interface PolicyGatewayLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface PolicyGatewayOptions {
  supergraphSdl: string;
  audit: AuditSink | null;
  logger: PolicyGatewayLogger;
  /** How many planned operations to keep (per operation text × access). */
  planCacheSize?: number;
}

/**
 * The enforcement point. Apollo's gateway never calls API-schema resolvers, so the policy wraps the executor
 * that `ApolloGateway.load()` returns: each operation is rewritten for the caller's access before the query
 * planner sees it, and the answer is shaped, receipted and audited after the subgraphs reply.
 */
export class PolicyGateway implements GatewayInterface {
  private policy: Policy | null = null;
  private policyError: Error | null = null;
  private inner: GatewayExecutor | null = null;
  private readonly plans = new Map<string, OperationPlan>();
  private readonly planCacheSize: number;

  constructor(private readonly gateway: ApolloGateway, private readonly options: PolicyGatewayOptions) {
    this.planCacheSize = options.planCacheSize ?? 5_000;
  }

  get currentPolicy(): Policy | null {
    return this.policy;
  }

  async load(options: Parameters<GatewayInterface['load']>[0]): Promise<GatewayLoadResult> {
    const { schema, executor } = await this.gateway.load(options);
    this.inner = executor;
    this.compile(schema, this.options.supergraphSdl);
    if (this.policyError) throw this.policyError;
    this.gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => this.compile(apiSchema, coreSupergraphSdl));
    return { executor: (rc) => this.execute(rc as GatewayGraphQLRequestContext<RequestContext>) };
  }

  onSchemaLoadOrUpdate(callback: Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0]): GatewayUnsubscriber {
    return this.gateway.onSchemaLoadOrUpdate(callback);
  }

  stop(): Promise<void> {
    return this.gateway.stop();
  }

  /** A new schema means a new policy; until it compiles cleanly every request fails closed. */
  private compile(schema: GraphQLSchema, supergraphSdl: string): void {
    try {
      const policy = Policy.fromSources(schema, { supergraphSdl });
      const problems = checkPolicy(policy);
      if (problems.length > 0) throw new PolicyDefinitionError(problems);
      this.policy = policy;
      this.policyError = null;
      // Plans were built for the old policy; the version is in the key too, but drop them to free memory.
      this.plans.clear();
    } catch (error) {
      this.policy = null;
      this.policyError = error as Error;
    }
  }

  private plan(rc: GatewayGraphQLRequestContext<RequestContext>, policy: Policy, ctx: RequestContext): OperationPlan {
    // Why the access is in the key: the planned operation differs per access, and Apollo's query-plan cache is
    // keyed by the operation's hash alone. The plan we hand on carries the hash of the rewritten operation.
    const key = `${policy.version}|${ctx.mode}|${Policy.accessKey(ctx.access)}|${rc.request.operationName ?? ''}|${rc.queryHash}`;
    let plan = this.plans.get(key);
    if (plan) {
      this.plans.delete(key);
      this.plans.set(key, plan);
      return plan;
    }
    plan = planOperation(policy, rc.document, rc.request.operationName, ctx.access, ctx.mode);
    this.plans.set(key, plan);
    if (this.plans.size > this.planCacheSize) this.plans.delete(this.plans.keys().next().value as string);
    return plan;
  }

  private async execute(rc: GatewayGraphQLRequestContext<RequestContext>) {
    const ctx = rc.context;
    const policy = this.policy;
    if (!policy || !this.inner) {
      return { errors: [new GraphQLError('The data-protection policy could not be loaded, so nothing is disclosed.', { extensions: { code: 'POLICY_UNAVAILABLE', detail: this.policyError?.message } })] };
    }
    const plan = this.plan(rc, policy, ctx);
    const result = await this.inner({ ...rc, document: plan.document, source: plan.source, queryHash: plan.queryHash });
    const data = (result.data ?? null) as Record<string, unknown> | null;
    const shaped = shapeResponse(data, plan, rc.request.variables, ctx.mode);

    let receipt: AuditReceipt | null = null;
    let auditError: Error | null = null;
    if (this.options.audit && (shaped.receipts.length > 0 || shaped.withheld.length > 0)) {
      try {
        receipt = await this.options.audit.record(this.event(ctx, policy, plan, rc, shaped));
      } catch (error) {
        auditError = error as Error;
      }
    }

    const errors = [...(result.errors ?? [])];
    const extensions: Record<string, unknown> = { ...(result.extensions ?? {}) };
    const policyExt: Record<string, unknown> = {
      version: policy.version,
      mode: ctx.mode,
      role: ctx.access.role,
      purpose: ctx.access.purpose,
      requestId: ctx.requestId,
      breakGlass: shaped.breakGlass,
    };
    if (auditError) {
      // Fail closed: what could not be recorded is not disclosed (DfE golden rule 7; DPA 2018 s62).
      const stripped = withholdAll(data, plan);
      this.options.logger.warn('audit unavailable: classified data withheld', { requestId: ctx.requestId, error: auditError.message });
      errors.push(
        new GraphQLError('The disclosure could not be recorded, so no classified data was released. Try again shortly.', {
          extensions: { code: 'AUDIT_UNAVAILABLE', reason: 'AUDIT_UNAVAILABLE', coordinates: stripped.coordinates, ...(stripped.empty ? { http: { status: 503 } } : {}) },
        }),
      );
      extensions['policy'] = { ...policyExt, audited: false };
      if (stripped.empty) return { data: null, errors, extensions };
      return { data, errors, extensions };
    }

    if (ctx.mode === 'enforce') {
      for (const w of shaped.withheld) {
        errors.push(
          new GraphQLError(`${w.coordinate} was withheld (${w.category}: ${w.reason}). ${w.remedy}`, {
            path: w.path,
            extensions: { code: 'FIELD_WITHHELD', coordinate: w.coordinate, category: w.category, reason: w.reason, rule: w.rule, remedy: w.remedy, alternatives: w.alternatives, occurrences: w.occurrences },
          }),
        );
      }
    } else if (shaped.withheld.length > 0) {
      policyExt['wouldWithhold'] = shaped.withheld.map(({ coordinate, category, reason, rule, remedy, path, occurrences }) => ({ coordinate, category, reason, rule, remedy, path, occurrences }));
      this.options.logger.warn('dry-run: fields the policy would withhold were disclosed', { requestId: ctx.requestId, role: ctx.access.role, purpose: ctx.access.purpose, wouldWithhold: shaped.withheld.map((w) => `${w.coordinate}:${w.reason}`) });
    }
    if (shaped.receipts.length > 0) extensions['disclosures'] = shaped.receipts.map(({ labels: _labels, ...r }) => r);
    if (receipt) policyExt['auditEvent'] = { id: receipt.eventId, seq: receipt.seq };
    extensions['policy'] = policyExt;
    return { data: result.data, errors: errors.length > 0 ? errors : undefined, extensions };
  }

  private event(ctx: RequestContext, policy: Policy, plan: OperationPlan, rc: GatewayGraphQLRequestContext<RequestContext>, shaped: Shaped): AuditEventInput {
    return {
      kind: 'DISCLOSURE',
      requestId: ctx.requestId,
      actor: { sub: ctx.caller.sub, name: ctx.caller.name, role: ctx.caller.role, org: ctx.caller.org },
      purpose: ctx.purpose,
      caseRef: ctx.caseRef,
      justification: ctx.justification,
      breakGlass: shaped.breakGlass,
      mode: ctx.mode,
      policyVersion: policy.version,
      operation: { name: rc.request.operationName ?? null, hash: plan.queryHash },
      subjects: [...shaped.subjects.values()].map((s) => ({
        childId: s.childId,
        // The log copies what it keeps (toEventRecord), so the policy's own lists are passed as they are.
        disclosed: [...s.disclosed.values()].map((d) => ({ coordinate: d.coordinate, category: d.category, effect: d.effect, rule: d.rule, lawfulBasis: d.lawfulBasis as string[], gateway: d.gateway as string[], count: d.count })),
        withheld: [...s.withheld.values()].map((w) => ({ coordinate: w.coordinate, category: w.category, reason: w.reason, rule: w.rule })),
      })),
    };
  }
}
