import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { agencies } from '../subgraphs/registry.js';
import { agencyInputs, composeSupergraph, SUPERGRAPH_FILE } from './composeSupergraph.js';

/**
 * `npm run compose`: composes the agency subgraphs into schema/supergraph.graphql and checks the data-protection
 * annotations. `npm run compose -- --check` changes nothing and fails if the committed file is stale.
 * `--agreement FILE` checks a draft information sharing agreement against the subgraphs instead of the committed one.
 */
const { values } = parseArgs({ options: { check: { type: 'boolean' }, agreement: { type: 'string' } } });
const check = values.check === true || values.agreement !== undefined;
const inputs = agencyInputs(agencies);
const outcome = composeSupergraph(inputs, values.agreement ? { agreementText: readFileSync(values.agreement, 'utf8') } : {});
if (outcome.errors.length > 0 || !outcome.supergraphSdl) {
  console.error(`Composition failed (${outcome.errors.length} problem${outcome.errors.length === 1 ? '' : 's'}):`);
  for (const e of outcome.errors) console.error(`  ✗ ${e}`);
  process.exit(1);
}
const file = fileURLToPath(SUPERGRAPH_FILE);
let current = '';
try {
  current = readFileSync(file, 'utf8');
} catch {}
if (values.agreement) {
  console.log(`The draft agreement ${values.agreement} composes cleanly with the subgraphs (${outcome.policy!.fields.size} classified coordinates).`);
} else if (check) {
  if (current !== outcome.supergraphSdl) {
    console.error(`${file} is stale: run npm run compose and commit it.`);
    process.exit(1);
  }
  console.log(`${file} is up to date.`);
} else {
  writeFileSync(file, outcome.supergraphSdl);
  const policy = outcome.policy!;
  console.log(`Composed ${inputs.length} subgraphs (${inputs.map((i) => i.name).join(', ')}) into ${file}`);
  console.log(`  ${policy.fields.size} classified field coordinates, policy version ${policy.version.slice(0, 12)}`);
  if (outcome.hints.length > 0) console.log(`  ${outcome.hints.length} composition hint(s):\n${outcome.hints.map((h) => `    - ${h}`).join('\n')}`);
}
