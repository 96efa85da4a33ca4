import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { Agency, AgencyContext } from './agency.js';
import { readJsonBody, RequestBodyError, runApollo, sendErrors, sendJson } from './apolloHttp.js';
import { gatewayTokenVerifier, GatewayTokenError, type GatewayKey } from './gatewayToken.js';
import type { Sql } from './sql.js';

const SPEC_FILE = new URL('../../schema/disclosure/v1.0.graphql', import.meta.url);

/** The agency's SDL with the disclosure directive definitions appended, as a subgraph serves it. */
export function subgraphSdl(agency: Agency): string {
  return `${readFileSync(agency.schemaFile, 'utf8')}\n${readFileSync(SPEC_FILE, 'utf8')}`;
}

export interface RunningSubgraph {
  agency: Agency;
  url: string;
  port: number;
  close(): Promise<void>;
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
}

/**
 * Serves one agency over HTTP: POST /graphql (gateway-signed token required), GET /healthz (the process is
 * alive) and GET /readyz (its store answers). Inline tracing is off: it costs CPU on every request.
 */
export async function startSubgraph({ agency, sql, gatewayKey, port = 0, host = '127.0.0.1', onRequest }: StartSubgraphOptions): Promise<RunningSubgraph> {
  type Ctx = AgencyContext<unknown>;
  const schema = buildSubgraphSchema({ typeDefs: parse(subgraphSdl(agency)), resolvers: agency.resolvers as never });
  const apollo = new ApolloServer<Ctx>({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()], introspection: false });
  await apollo.start();
  const verify = gatewayTokenVerifier(gatewayKey, agency.name);

  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      try {
        if (path === '/healthz') return sendJson(res, 200, { status: 'ok', agency: agency.name });
        if (path === '/readyz') {
          try {
            await sql.query('SELECT 1');
            return sendJson(res, 200, { status: 'ready', agency: agency.name, store: sql.describe });
          } catch (error) {
            return sendJson(res, 503, { status: 'unavailable', agency: agency.name, store: sql.describe, error: (error as Error).message });
          }
        }
        if (path !== '/graphql') return sendJson(res, 404, { error: 'Not found: this agency serves /graphql, /healthz and /readyz.' });
        let caller;
        try {
          caller = await verify(req.headers.authorization);
        } catch (error) {
          if (error instanceof GatewayTokenError) {
            return sendErrors(res, 401, [{ message: error.message, extensions: { code: error.code, agency: agency.name } }], { 'www-authenticate': 'Bearer' });
          }
          throw error;
        }
        const body = await readJsonBody(req);
        onRequest?.(body);
        await runApollo(apollo, req, res, body, async () => ({ caller, loaders: agency.createLoaders(sql) }));
      } catch (error) {
        if (error instanceof RequestBodyError) return sendErrors(res, error.status, [{ message: error.message, extensions: { code: error.code } }]);
        if (!res.headersSent) sendErrors(res, 500, [{ message: `${agency.title} failed: ${(error as Error).message}`, extensions: { code: 'INTERNAL_SERVER_ERROR', agency: agency.name } }]);
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
    agency,
    port: actual,
    url: `http://${host}:${actual}/graphql`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
    },
  };
}
