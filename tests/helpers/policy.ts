import { readFileSync } from 'node:fs';
import { isAbstractType, type GraphQLCompositeType } from 'graphql';
import { Policy } from '../../gateway/policy/Policy.js';
import type { Access, Decision } from '../../gateway/policy/decide.js';
import { SUPERGRAPH_PATH } from '../../gateway/stack.js';

/** The policy compiled from the committed supergraph and the schema/ files, as the gateway compiles it. */
export function committedPolicy(): Policy {
  const sdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
  return Policy.fromSupergraph({ supergraphSdl: sdl }).assertValid();
}

export function decisionAt(policy: Policy, coordinate: string, access: Access): Decision | null {
  const [type, field] = coordinate.split('.') as [string, string];
  const parent = policy.schema.getType(type) as GraphQLCompositeType;
  if (!parent || (!('getFields' in parent) && !isAbstractType(parent))) throw new Error(`no type ${type}`);
  return policy.decisionFor(parent, field, access);
}
