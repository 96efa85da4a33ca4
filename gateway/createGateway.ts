import { Agent } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import fetch from 'node-fetch';
import { GraphQLError } from 'graphql';
import type { SubgraphSigner } from './identity/subgraphSigner.js';
import { PolicyGateway, type AuditSink, type PolicyGatewayLogger } from './PolicyGateway.js';
import type { RequestContext } from './RequestContext.js';

/** Keep-alive with a bounded socket pool toward the subgraphs (Apollo's own performance advice). */
const agent = new Agent({ keepAlive: true, maxSockets: 64, keepAliveMsecs: 10_000 });
const keepAliveFetch = ((url: string, init: Record<string, unknown>) => fetch(url, { ...init, agent })) as unknown as typeof fetch;

/** Sends each subgraph request with a gateway-signed token naming the caller, role, purpose and request id. */
class SignedDataSource extends RemoteGraphQLDataSource<RequestContext> {
  constructor(private readonly agency: string, private readonly title: string, url: string, private readonly signer: SubgraphSigner) {
    super({ url, fetcher: keepAliveFetch as never });
  }

  /** A failed fetch names the agency, so a partial answer tells the practitioner which record is missing. */
  override didEncounterError(error: Error): never {
    if (error instanceof GraphQLError) throw error;
    throw new GraphQLError(`${this.title} is unavailable: ${error.message}`, { extensions: { code: 'SUBGRAPH_UNAVAILABLE', agency: this.agency } });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RequestContext>): Promise<void> {
    const ctx = context as Partial<RequestContext> | undefined;
    const token = await this.signer.sign(
      {
        sub: ctx?.caller?.sub ?? 'mash-gateway',
        name: ctx?.caller?.name ?? null,
        role: ctx?.caller?.role ?? 'GATEWAY',
        org: ctx?.caller?.org ?? null,
        purpose: ctx?.purpose ?? null,
        rid: ctx?.requestId ?? 'gateway-internal',
      },
      this.agency,
    );
    request.http?.headers.set('authorization', `Bearer ${token}`);
    if (ctx?.requestId) request.http?.headers.set('x-request-id', ctx.requestId);
  }
}

export interface GatewayParts {
  apollo: ApolloServer<RequestContext>;
  policyGateway: PolicyGateway;
}

/** A subgraph the gateway routes to: its supergraph name, a plain-words title and where it answers. */
export interface ServiceEndpoint {
  name: string;
  title: string;
  url: string;
}

export interface CreateGatewayOptions {
  supergraphSdl: string;
  services: ReadonlyArray<ServiceEndpoint>;
  signer: SubgraphSigner;
  audit: AuditSink | null;
  logger: PolicyGatewayLogger;
}

/** Apollo Server + Apollo Gateway over the committed supergraph, behind the policy executor. */
export async function createGateway({ supergraphSdl, services, signer, audit, logger }: CreateGatewayOptions): Promise<GatewayParts> {
  const urls = new Map(services.map((s) => [s.name, s.url]));
  const titles = new Map(services.map((s) => [s.name, s.title]));
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new SignedDataSource(name, titles.get(name) ?? name, urls.get(name) ?? (url as string), signer),
  });
  const policyGateway = new PolicyGateway(gateway, { supergraphSdl, audit, logger });
  const apollo = new ApolloServer<RequestContext>({
    gateway: policyGateway,
    includeStacktraceInErrorResponses: false,
    // main.ts shuts down in order (the audit log signs its last checkpoint); Apollo's own signal handler
    // would re-raise the signal and kill the process half-way through.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginUsageReportingDisabled()],
    formatError(formatted) {
      // Tag errors from a subgraph with its agency, so a client can tell which record an error is about.
      const service = formatted.extensions?.['serviceName'];
      if (typeof service === 'string' && titles.has(service) && formatted.extensions?.['agency'] === undefined) {
        return { ...formatted, extensions: { ...formatted.extensions, agency: service } };
      }
      return formatted;
    },
  });
  await apollo.start();
  return { apollo, policyGateway };
}
