import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { JWK } from 'jose';
import { readJsonBody, RequestBodyError, runApollo, sendErrors, sendJson } from '../subgraphs/shared/apolloHttp.js';
import type { Authenticator } from './identity/authenticate.js';
import { AuthenticationError, ForbiddenError, PurposeError } from './identity/errors.js';
import type { Mode } from './policy/planOperation.js';
import type { RequestContext } from './RequestContext.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface GatewayServerOptions {
  apollo: ApolloServer<RequestContext>;
  authenticator: Authenticator;
  purposes: ReadonlySet<string>;
  mode: Mode;
  subgraphJwk: JWK;
  readiness: ReadinessCheck[];
}

const MAX_JUSTIFICATION = 2_000;
const MAX_CASE_REF = 100;

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.trim() !== '' ? s.trim() : null;
}

/** Reads x-purpose, x-case-ref and x-justification; an unknown purpose is refused naming the valid ones. */
export function readPurpose(req: IncomingMessage, purposes: ReadonlySet<string>): { purpose: string | null; caseRef: string | null; justification: string | null } {
  const purpose = header(req, 'x-purpose');
  if (purpose !== null && !purposes.has(purpose)) {
    throw new PurposeError(`Unknown purpose "${purpose.slice(0, 60)}" in x-purpose. Valid purposes: ${[...purposes].join(', ')}.`, [...purposes]);
  }
  const caseRef = header(req, 'x-case-ref');
  const justification = header(req, 'x-justification');
  if (caseRef && caseRef.length > MAX_CASE_REF) throw new PurposeError(`x-case-ref is longer than ${MAX_CASE_REF} characters.`, [...purposes]);
  if (justification && justification.length > MAX_JUSTIFICATION) throw new PurposeError(`x-justification is longer than ${MAX_JUSTIFICATION} characters.`, [...purposes]);
  return { purpose, caseRef, justification };
}

/**
 * The gateway's HTTP surface: /graphql (identity and purpose are settled here, before GraphQL runs, so a bad
 * token or purpose gets its HTTP status and no data), /healthz, /readyz and the subgraph-token JWKS.
 */
export function createGatewayServer(options: GatewayServerOptions): Server {
  const { apollo, authenticator, purposes, mode, subgraphJwk, readiness } = options;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const results = await Promise.all(
        readiness.map(async (r) => {
          try {
            await r.check();
            return { name: r.name, ready: true };
          } catch (error) {
            return { name: r.name, ready: false, error: (error as Error).message };
          }
        }),
      );
      const ready = results.every((r) => r.ready);
      return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks: results });
    }
    if (path === '/.well-known/jwks.json') return sendJson(res, 200, { keys: [subgraphJwk] });
    if (path !== '/graphql') return sendJson(res, 404, { error: 'Not found: the gateway serves /graphql, /healthz and /readyz.' });
    if (req.method !== 'POST' && req.method !== 'GET') {
      return sendErrors(res, 405, [{ message: 'Use POST (or GET for queries) on /graphql.', extensions: { code: 'METHOD_NOT_ALLOWED' } }], { allow: 'GET, POST' });
    }
    const given = header(req, 'x-request-id');
    const requestId = given && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    try {
      const caller = await authenticator.authenticate(header(req, 'authorization') ?? undefined);
      const { purpose, caseRef, justification } = readPurpose(req, purposes);
      const body = await readJsonBody(req);
      const context: RequestContext = { requestId, caller, purpose, caseRef, justification, access: { role: caller.role, purpose, justified: justification !== null }, mode };
      await runApollo(apollo, req, res, body, async () => context);
    } catch (error) {
      if (error instanceof AuthenticationError) {
        return sendErrors(res, error.status, [{ message: error.message, extensions: { code: error.code, reason: error.reason } }], error.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
      }
      if (error instanceof ForbiddenError) return sendErrors(res, 403, [{ message: error.message, extensions: { code: error.code } }]);
      if (error instanceof PurposeError) return sendErrors(res, 400, [{ message: error.message, extensions: { code: error.code, validPurposes: error.validPurposes } }]);
      if (error instanceof RequestBodyError) return sendErrors(res, error.status, [{ message: error.message, extensions: { code: error.code } }], error.status === 413 ? { connection: 'close' } : {});
      throw error;
    }
  };
  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendErrors(res, 500, [{ message: `The gateway failed: ${(error as Error).message}`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
      else res.destroy();
    });
  });
}
