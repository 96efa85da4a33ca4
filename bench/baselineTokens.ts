import type { SubgraphSigner } from '../gateway/identity/subgraphSigner.js';
import { GATEWAY_TOKEN_TTL_SECONDS } from '../subgraphs/shared/gatewayToken.js';

/**
 * The baselines (plain Apollo gateway, Hive Gateway) know nothing of callers, but the agencies answer only a
 * gateway-signed token. They send one fixed token per agency, re-signed at half its lifetime: the least a
 * gateway can do and still be let in, so the per-request signing the policy gateway does counts as its cost.
 * Returns a synchronous lookup once every agency has its first token.
 */
export async function baselineTokens(signer: SubgraphSigner, agencies: ReadonlyArray<string>): Promise<(agency: string) => string> {
  const tokens = new Map<string, string>();
  const signAll = () =>
    Promise.all(agencies.map(async (agency) => {
      tokens.set(agency, await signer.sign({ sub: 'bench-baseline', name: null, role: 'GATEWAY', org: null, purpose: null, rid: 'bench-baseline' }, agency));
    }));
  await signAll();
  setInterval(() => void signAll(), (GATEWAY_TOKEN_TTL_SECONDS * 1000) / 2).unref();
  return (agency) => {
    const token = tokens.get(agency);
    if (token === undefined) throw new Error(`no subgraph token for ${agency}`);
    return token;
  };
}
