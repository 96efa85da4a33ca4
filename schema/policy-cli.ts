import { readFileSync } from 'node:fs';
import { accessMatrix, diffAccess, matrixMarkdown } from '../gateway/policy/accessMatrix.js';
import { PolicyDefinitionError } from '../gateway/policy/errors.js';
import { Policy } from '../gateway/policy/Policy.js';
import { SUPERGRAPH_PATH } from '../gateway/stack.js';

/**
 * `npm run policy -- matrix [--json]`: who receives every classified field, for which purpose.
 * `npm run policy -- diff OLD_AGREEMENT.yaml [NEW_AGREEMENT.yaml]`: which access changes between two agreements
 * (NEW defaults to schema/agreement.yaml); exits 1 when anything changes, so CI can ask for a sign-off.
 */
const [command, ...args] = process.argv.slice(2);
const sdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
const load = (agreementFile?: string) => Policy.fromSupergraph({ supergraphSdl: sdl, ...(agreementFile ? { agreementText: readFileSync(agreementFile, 'utf8') } : {}) }).assertValid();

try {
  if (command === 'matrix') {
    const policy = load();
    console.log(args.includes('--json') ? JSON.stringify(accessMatrix(policy), null, 2) : matrixMarkdown(policy));
  } else if (command === 'diff' && args[0]) {
    const changes = diffAccess(load(args[0]), load(args[1]));
    if (changes.length === 0) {
      console.log('No access changes.');
    } else {
      console.log(`${changes.length} access change(s):`);
      for (const c of changes) console.log(`  ${c.coordinate.padEnd(30)} ${c.role.padEnd(24)} ${c.purpose.padEnd(20)} ${c.before} → ${c.after}`);
      process.exitCode = 1;
    }
  } else {
    console.error('usage: npm run policy -- matrix [--json] | diff OLD_AGREEMENT.yaml [NEW_AGREEMENT.yaml]');
    process.exitCode = 2;
  }
} catch (error) {
  if (error instanceof PolicyDefinitionError) {
    console.error(error.message);
    process.exitCode = 2;
  } else throw error;
}
