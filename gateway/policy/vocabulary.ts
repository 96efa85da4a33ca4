import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { PolicyDefinitionError } from './errors.js';

export interface Vocabulary {
  categories: Map<string, { meaning: string; flags: string[] }>;
  roles: Map<string, { title: string; controller: string; controllerType: string }>;
  purposes: Map<string, { meaning: string; citation: string; hl7?: string; mash?: boolean }>;
  lawfulBases: Map<string, string>;
  gateways: Map<string, string>;
  reasons: Map<string, string>;
}

export const VOCABULARY_FILE = new URL('../../schema/vocabulary.yaml', import.meta.url);

/** Reads schema/vocabulary.yaml: the identifiers directives and the agreement may use, with their citations. */
export function loadVocabulary(text: string = readFileSync(VOCABULARY_FILE, 'utf8')): Vocabulary {
  const raw = parseYaml(text) as Record<string, Record<string, unknown> | undefined>;
  const problems: string[] = [];
  const section = <T>(name: string): Map<string, T> => {
    const value = raw?.[name];
    if (!value || typeof value !== 'object') {
      problems.push(`vocabulary.yaml has no "${name}" section`);
      return new Map();
    }
    return new Map(Object.entries(value) as Array<[string, T]>);
  };
  const vocabulary: Vocabulary = {
    categories: section('categories'),
    roles: section('roles'),
    purposes: section('purposes'),
    lawfulBases: section('lawfulBases'),
    gateways: section('gateways'),
    reasons: section('reasons'),
  };
  if (problems.length > 0) throw new PolicyDefinitionError(problems);
  return vocabulary;
}
