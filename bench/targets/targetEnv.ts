/** What every gateway target child reads from its environment (set by bench/run.ts). */
export interface TargetEnv {
  /** Agency name → subgraph URL (the shared subgraph host). */
  subgraphUrls: Record<string, string>;
}

export function readTargetEnv(env: NodeJS.ProcessEnv = process.env): TargetEnv {
  const raw = env['BENCH_SUBGRAPH_URLS'];
  if (!raw) throw new TypeError('BENCH_SUBGRAPH_URLS must hold a JSON object of agency name to subgraph URL');
  return { subgraphUrls: JSON.parse(raw) as Record<string, string> };
}

/** The ready message of a gateway target. */
export interface TargetInfo {
  url: string;
  /** The key its subgraph tokens are signed with, for the subgraph host's keyring. */
  publicJwks: import('jose').JWK[];
  describe: string;
}
