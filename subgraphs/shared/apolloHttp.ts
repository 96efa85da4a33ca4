import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

const MAX_BODY_BYTES = 1_000_000;

export class RequestBodyError extends Error {
  readonly code = 'BAD_REQUEST';
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'RequestBodyError';
  }
}

/** Reads and parses a JSON request body (GET requests have none). */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new RequestBodyError(`The request body is larger than ${MAX_BODY_BYTES} bytes.`, 413);
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Keep reading (and dropping) past the limit, so the answer reaches a client that is still sending.
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
    else if (size > 8 * MAX_BODY_BYTES) break; // stop reading; the socket closes after the answer
  }
  if (size > MAX_BODY_BYTES) throw new RequestBodyError(`The request body is larger than ${MAX_BODY_BYTES} bytes.`, 413);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestBodyError('The request body is not valid JSON.', 400);
  }
}

/** Writes a GraphQL-shaped error response. */
export function sendErrors(res: ServerResponse, status: number, errors: Array<{ message: string; extensions: Record<string, unknown> }>, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ errors });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Hands one HTTP request to Apollo Server (the same thing its framework integrations do) and writes the answer. */
export async function runApollo<C extends BaseContext>(server: ApolloServer<C>, req: IncomingMessage, res: ServerResponse, body: unknown, context: () => Promise<C>): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: (req.method ?? 'POST').toUpperCase(), headers, search: q >= 0 ? url.slice(q) : '', body },
    context,
  });
  res.statusCode = response.status ?? 200;
  for (const [key, value] of response.headers) res.setHeader(key, value);
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
