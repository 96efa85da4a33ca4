import { agencies } from '../subgraphs/registry.js';
import { ConfigError, loadConfig } from './config.js';
import { consoleLogger, startStack } from './stack.js';

/** `npm start`: the four agencies, the audit log and the gateway, on the embedded store unless configured otherwise. */
const started = performance.now();
let config;
try {
  config = loadConfig(process.env, agencies);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

try {
  const stack = await startStack(config);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const rss = Math.round(process.memoryUsage().rss / 1e6);
  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${stack.port}`;
  const lines = [
    '',
    `MASH disclosure gateway ready in ${seconds} s (RSS ${rss} MB${stack.seeded ? `, seeded ${stack.seeded} synthetic children` : ''})`,
    `  GraphQL   ${base}/graphql        (policy: ${config.policyMode}; identity: ${stack.authenticator.describe})`,
    `  Health    ${base}/healthz   ${base}/readyz`,
    ...config.subgraphs.map((s) => `  ${s.agency.title.padEnd(24)} ${s.url}`),
    `  ${'Information governance'.padEnd(24)} ${stack.governanceUrl}`,
    `  Store     ${stack.sql?.describe ?? 'agency subgraphs run elsewhere'}; audit: ${stack.auditSql.describe}`,
    '',
    'Try it:',
    '  TOKEN=$(npm run -s token -- --role MASH_SOCIAL_WORKER --sub alice)',
    `  curl -s ${base}/graphql -H "authorization: Bearer $TOKEN" -H 'x-purpose: SCREENING' \\`,
    `    -H 'content-type: application/json' -d '{"query":"{ child(id: \\"C000001\\") { name socialCare { status } health { diagnoses { description } } } }"}'`,
    '',
  ];
  console.log(lines.join('\n'));
  const shutdown = async (signal: string) => {
    consoleLogger.info('shutting down', { signal });
    await stack.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  console.error(`The gateway could not start: ${(error as Error).message}`);
  process.exit(1);
}
