import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { readAnnotations } from '../gateway/policy/annotations.js';
import { checkPolicy, checkSubgraphConflicts } from '../gateway/policy/checks.js';
import { PolicyDefinitionError } from '../gateway/policy/errors.js';
import { Policy } from '../gateway/policy/Policy.js';
import type { Agency } from '../subgraphs/shared/agency.js';
import { GOVERNANCE, governanceSdl } from '../gateway/governance/startGovernance.js';
import { subgraphSdl } from '../subgraphs/shared/subgraphServer.js';

export const SUPERGRAPH_FILE = new URL('./supergraph.graphql', import.meta.url);

/** The subgraph URLs written into the committed supergraph: the defaults; the gateway overrides them from its configuration. */
export const DEFAULT_BASE_PORT = 4000;

export interface ComposeOutcome {
  supergraphSdl: string | null;
  /** Composition errors and policy problems: any one fails the build. */
  errors: string[];
  hints: string[];
  policy: Policy | null;
}

export interface ComposeInput {
  name: string;
  sdl: string;
  url?: string;
}

/** Every subgraph of the supergraph: the registered agencies and the gateway's own governance subgraph. */
export function agencyInputs(agencies: ReadonlyArray<Agency>): ComposeInput[] {
  return [
    ...agencies.map((a) => ({ name: a.name, sdl: subgraphSdl(a), url: `http://localhost:${DEFAULT_BASE_PORT + a.portOffset}/graphql` })),
    { name: GOVERNANCE.name, sdl: governanceSdl(), url: `http://localhost:${DEFAULT_BASE_PORT + GOVERNANCE.portOffset}/graphql` },
  ];
}

/** Composes the subgraphs with @apollo/composition, then runs the data-protection checks on the result. */
export function composeSupergraph(inputs: ComposeInput[], sources: { vocabularyText?: string; agreementText?: string } = {}): ComposeOutcome {
  const errors: string[] = [];
  const services = [];
  for (const input of inputs) {
    try {
      services.push({ name: input.name, typeDefs: parse(input.sdl), url: input.url ?? `http://localhost/${input.name}` });
    } catch (error) {
      errors.push(`subgraph ${input.name}: its SDL does not parse: ${(error as Error).message}`);
    }
  }
  if (errors.length > 0) return { supergraphSdl: null, errors, hints: [], policy: null };
  const conflicts = checkSubgraphConflicts(inputs.map((i) => ({ name: i.name, annotations: readAnnotations(i.sdl) })));
  const result = composeServices(services);
  if (result.errors) {
    return { supergraphSdl: null, errors: [...result.errors.map((e) => `composition: ${e.message}`), ...conflicts], hints: [], policy: null };
  }
  const hints = result.hints.map((h) => h.toString());
  let policy: Policy | null = null;
  try {
    policy = Policy.fromSupergraph({ supergraphSdl: result.supergraphSdl, ...sources });
    errors.push(...checkPolicy(policy));
  } catch (error) {
    if (error instanceof PolicyDefinitionError) errors.push(...error.problems);
    else throw error;
  }
  errors.push(...conflicts);
  return { supergraphSdl: errors.length === 0 ? result.supergraphSdl : null, errors, hints, policy };
}
