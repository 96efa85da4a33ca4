import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createSubgraphSigner } from '../../gateway/identity/subgraphSigner.js';
import { SUPERGRAPH_PATH } from '../../gateway/stack.js';
import { baselineTokens } from '../baselineTokens.js';
import { serveChild } from '../ipc.js';
import { readTargetEnv, type TargetInfo } from './targetEnv.js';

/**
 * Target (a), the baseline: `@apollo/gateway` and `@apollo/server` with their default settings, served by
 * `startStandaloneServer`, over the same supergraph and subgraphs. The only addition is the fixed subgraph
 * token the agencies demand (`willSendRequest`, Apollo's documented hook for headers).
 */
await serveChild<TargetInfo>(async () => {
  const { subgraphUrls } = readTargetEnv();
  const signer = await createSubgraphSigner();
  const token = await baselineTokens(signer, Object.keys(subgraphUrls));

  class TokenDataSource extends RemoteGraphQLDataSource {
    constructor(private readonly agency: string, url: string) {
      super({ url });
    }
    override willSendRequest({ request }: GraphQLDataSourceProcessOptions): void {
      request.http?.headers.set('authorization', `Bearer ${token(this.agency)}`);
    }
  }

  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name, url }) => new TokenDataSource(name, subgraphUrls[name] ?? (url as string)),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return {
    info: { url: url.replace('localhost', '127.0.0.1'), publicJwks: [signer.publicJwk], describe: '@apollo/gateway + @apollo/server standalone, default settings' },
    close: () => server.stop(),
  };
});
