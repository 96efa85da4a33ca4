import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { createSubgraphSigner } from '../../gateway/identity/subgraphSigner.js';
import { SUPERGRAPH_PATH } from '../../gateway/stack.js';
import { baselineTokens } from '../baselineTokens.js';
import { serveChild } from '../ipc.js';
import { readTargetEnv, type TargetInfo } from './targetEnv.js';

/** The committed supergraph with each subgraph's `@join__graph(url:)` pointed at the shared subgraph host. */
export function supergraphWithUrls(sdl: string, urls: Record<string, string>): string {
  return sdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (whole, name: string) => {
    const url = urls[name];
    return url ? `@join__graph(name: "${name}", url: "${url}")` : whole;
  });
}

/**
 * Target (b): Hive Gateway's runtime (`@graphql-hive/gateway-runtime`, `createGatewayRuntime`) with its
 * defaults, served by node:http, over the same supergraph and subgraphs. Logging is off (as it is for the
 * others); the fixed subgraph token is added in an `onFetch` hook.
 */
await serveChild<TargetInfo>(async () => {
  // Under load the runtime hangs more than 10 listeners on shared AbortSignals; Node's leak warning about
  // that is noise here.
  setMaxListeners(0);
  const { subgraphUrls } = readTargetEnv();
  const signer = await createSubgraphSigner();
  const token = await baselineTokens(signer, Object.keys(subgraphUrls));
  const agencyOf = new Map(Object.entries(subgraphUrls).map(([name, url]) => [url, name]));

  const gateway = createGatewayRuntime({
    supergraph: supergraphWithUrls(readFileSync(SUPERGRAPH_PATH, 'utf8'), subgraphUrls),
    logging: process.env["HIVE_DEBUG"] ? "debug" : false,
    maskedErrors: !process.env["HIVE_DEBUG"],
    plugins: () => [
      {
        onFetch({ url, options, setOptions }) {
          const agency = agencyOf.get(url);
          if (agency) setOptions({ ...options, headers: { ...options.headers, authorization: `Bearer ${token(agency)}` } });
        },
      },
    ],
  });
  const server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    info: { url: `http://127.0.0.1:${port}/graphql`, publicJwks: [signer.publicJwk], describe: '@graphql-hive/gateway-runtime createGatewayRuntime on node:http, default settings' },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.dispose();
    },
  };
});
