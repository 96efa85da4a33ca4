import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Agency } from './agency.js';
import { readJsonBody, RequestBodyError, runApollo, sendErrors, sendJson } from './apolloHttp.js';
import { gatewayTokenVerifier, GatewayTokenError, type GatewayClaims, type GatewayKey } from './gatewayToken.js';
import type { Sql } from './sql.js';

const SPEC_FILE = new URL('../../schema/disclosure/v1.0.graphql', import.meta.url);

/** The agency's SDL with the disclosure directive definitions appended, as a subgraph serves it. */
export function subgraphSdl(agency: Agency): string {
  return `${readFileSync(agency.schemaFile, 'utf8')}\n${readFileSync(SPEC_FILE, 'utf8')}`;
}

export interface RunningSubgraph {
  name: string;
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface RunningAgency extends RunningSubgraph {
  agency: Agency;
}

export interface StartSubgraphOptions {
  agency: Agency;
  sql: Sql;
  /** The gateway's public key (or a JWKS getter) that signs subgraph tokens. */
  gatewayKey: GatewayKey;
  port?: number;
  host?: string;
  /** Observes each verified request body (the tests use it to see exactly what an agency was asked). */
  onRequest?: (body: unknown) => void;
  /** Accept gateway tokens up to this age (default twice their lifetime). */
  maxTokenAgeSeconds?: number;
}

/** Serves one agency subgraph over HTTP (see `serveSubgraph`). */
export async function startSubgraph({ agency, sql, ...rest }: StartSubgraphOptions): Promise<RunningAgency> {
  const running = await serveSubgraph({
    name: agency.name,
    title: agency.title,
    sdl: subgraphSdl(agency),
    resolvers: agency.resolvers as GraphQLResolverMap<unknown>,
    context: (caller) => ({ caller, loaders: agency.createLoaders(sql) }),
    ready: async () => {
      await sql.query('SELECT 1');
      return sql.describe;
    },
    ...rest,
  });
  return { ...running, agency };
}

export interface ServeSubgraphOptions<C> {
  name: string;
  title: string;
  sdl: string;
  resolvers: GraphQLResolverMap<C>;
  /** Builds the per-request context for a caller the gateway vouched for. */
  context: (caller: GatewayClaims) => C;
  /** Throws when the subgraph's store does not answer; returns a description of it. */
  ready: () => Promise<string>;
  gatewayKey: GatewayKey;
  port?: number;
  host?: string;
  onRequest?: (body: unknown) => void;
  maxTokenAgeSeconds?: number;
}

/**
 * Serves a subgraph over HTTP: POST /graphql (gateway-signed token required), GET /healthz (the process is
 * alive) and GET /readyz (its store answers). Inline tracing is off: it costs CPU on every request.
 */
export async function serveSubgraph<C extends object>(options: ServeSubgraphOptions<C>): Promise<RunningSubgraph> {
  const { name, title, sdl, resolvers, context, ready, gatewayKey, port = 0, host = '127.0.0.1', onRequest, maxTokenAgeSeconds } = options;
  const schema = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: resolvers as never });
  const apollo = new ApolloServer<C>({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()], introspection: false, includeStacktraceInErrorResponses: false, stopOnTerminationSignals: false });
  await apollo.start();
  const verify = gatewayTokenVerifier(gatewayKey, name, maxTokenAgeSeconds);

  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      try {
        if (path === '/healthz') return sendJson(res, 200, { status: 'ok', subgraph: name });
        if (path === '/readyz') {
          try {
            return sendJson(res, 200, { status: 'ready', subgraph: name, store: await ready() });
          } catch (error) {
            return sendJson(res, 503, { status: 'unavailable', subgraph: name, error: (error as Error).message });
          }
        }
        if (path !== '/graphql') return sendJson(res, 404, { error: 'Not found: this subgraph serves /graphql, /healthz and /readyz.' });
        let caller: GatewayClaims;
        try {
          caller = await verify(req.headers.authorization);
        } catch (error) {
          if (error instanceof GatewayTokenError) {
            return sendErrors(res, 401, [{ message: error.message, extensions: { code: error.code, agency: name } }], { 'www-authenticate': 'Bearer' });
          }
          throw error;
        }
        const body = await readJsonBody(req);
        onRequest?.(body);
        await runApollo(apollo, req, res, body, async () => context(caller));
      } catch (error) {
        if (error instanceof RequestBodyError) return sendErrors(res, error.status, [{ message: error.message, extensions: { code: error.code } }], error.status === 413 ? { connection: 'close' } : {});
        if (!res.headersSent) sendErrors(res, 500, [{ message: `${title} failed: ${(error as Error).message}`, extensions: { code: 'INTERNAL_SERVER_ERROR', agency: name } }]);
        else res.destroy();
      }
    })();
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    name,
    port: actual,
    url: `http://${host}:${actual}/graphql`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
    },
  };
}
