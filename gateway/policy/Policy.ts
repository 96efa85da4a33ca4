import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { isAbstractType, isObjectType, type GraphQLCompositeType, type GraphQLSchema } from 'graphql';
import { AGREEMENT_FILE, loadAgreement, type Agreement, type Rule } from './agreement.js';
import { readAnnotations, type Annotated, type Annotations, type Narrowing } from './annotations.js';
import { decide, type Access, type Decision, type FieldPolicy } from './decide.js';
import { PolicyDefinitionError } from './errors.js';
import { loadVocabulary, VOCABULARY_FILE, type Vocabulary } from './vocabulary.js';

const STRICTNESS = { ALLOW: 0, MASK: 1, WITHHOLD: 2 } as const;

export interface PolicySources {
  supergraphSdl: string;
  vocabularyText?: string;
  agreementText?: string;
}

/**
 * The compiled data-protection policy of one supergraph: the effective rules of every field coordinate,
 * and decisions cached per access (role, purpose, justified). Built once per schema, never per request.
 */
export class Policy {
  /** sha256 of the supergraph, vocabulary and agreement: names exactly which policy made a decision. */
  readonly version: string;
  readonly fields = new Map<string, FieldPolicy>();
  private readonly decisions = new Map<string, Map<string, Decision | null>>();

  constructor(
    readonly schema: GraphQLSchema,
    readonly annotations: Annotations,
    readonly agreement: Agreement,
    readonly vocabulary: Vocabulary,
    version: string,
  ) {
    this.version = version;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const fp = this.compileField(type.name, field.name);
        if (fp) this.fields.set(fp.coordinate, fp);
      }
    }
  }

  /** Reads the three sources and compiles; `problems` lists what the compose checks would refuse. */
  static fromSources(schema: GraphQLSchema, sources: PolicySources): Policy {
    const vocabularyText = sources.vocabularyText ?? readFileSync(VOCABULARY_FILE, 'utf8');
    const agreementText = sources.agreementText ?? readFileSync(AGREEMENT_FILE, 'utf8');
    const vocabulary = loadVocabulary(vocabularyText);
    const agreement = loadAgreement(vocabulary, agreementText);
    const version = createHash('sha256').update(sources.supergraphSdl).update('\0').update(vocabularyText).update('\0').update(agreementText).digest('hex');
    return new Policy(schema, readAnnotations(sources.supergraphSdl), agreement, vocabulary, version);
  }

  /** The same, building the API schema from the supergraph (for the compose step, the CLI and tests). */
  static fromSupergraph(sources: PolicySources): Policy {
    return Policy.fromSources(Supergraph.build(sources.supergraphSdl).apiSchema().toGraphQLJSSchema(), sources);
  }

  /** What the compose checks would refuse in the annotations themselves (narrowings, double classification). */
  get problems(): readonly string[] {
    return this.compileProblems;
  }

  /** Throws when the policy has problems: the gateway never serves under a policy it cannot read. */
  assertValid(): this {
    if (this.problems.length > 0) throw new PolicyDefinitionError([...this.problems]);
    return this;
  }

  private readonly compileProblems: string[] = [];

  private compileField(typeName: string, fieldName: string): FieldPolicy | null {
    const coordinate = `${typeName}.${fieldName}`;
    const own: Annotated | undefined = this.annotations.fields.get(coordinate);
    const ofType: Annotated | undefined = this.annotations.types.get(typeName);
    const classification = own?.classify[0] ?? ofType?.classify[0];
    if (!classification) {
      if (own?.disclose.length) this.compileProblems.push(`${coordinate}: @disclose on a field with no classification`);
      return null;
    }
    const distinct = new Set((own?.classify.length ? own.classify : ofType?.classify ?? []).map((c) => c.category));
    if (distinct.size > 1) this.compileProblems.push(`${coordinate}: classified more than once with different categories (${[...distinct].join(', ')})`);
    const narrowings = new Map<string, Narrowing>();
    for (const n of ofType?.disclose ?? []) narrowings.set(n.rule, n);
    for (const n of own?.disclose ?? []) narrowings.set(n.rule, n);
    const rules: Rule[] = [];
    for (const rule of this.agreement.rules) {
      if (!rule.categories.has(classification.category)) continue;
      const n = narrowings.get(rule.id);
      rules.push(n ? this.narrow(coordinate, rule, n) : rule);
    }
    for (const n of narrowings.values()) {
      if (!this.agreement.rules.some((r) => r.id === n.rule && r.categories.has(classification.category))) {
        this.compileProblems.push(
          `${coordinate}: @disclose(rule: "${n.rule}") names no agreement rule that covers ${classification.category}; a subgraph can narrow the agreement, never widen it`,
        );
      }
    }
    return { coordinate, category: classification.category, labels: classification.labels, rules };
  }

  private narrow(coordinate: string, rule: Rule, n: Narrowing): Rule {
    const where = `${coordinate} @disclose(rule: "${rule.id}")`;
    const allRoles = new Set(rule.grants.flatMap((g) => [...g.roles]));
    const allPurposes = new Set(rule.grants.flatMap((g) => [...g.purposes]));
    for (const r of n.roles ?? []) if (!allRoles.has(r)) this.compileProblems.push(`${where}: role ${r} is not granted by the agreement's rule; narrowing cannot add roles`);
    for (const p of n.purposes ?? []) if (!allPurposes.has(p)) this.compileProblems.push(`${where}: purpose ${p} is not granted by the agreement's rule; narrowing cannot add purposes`);
    if (n.effect !== undefined && n.effect !== 'ALLOW' && n.effect !== 'MASK') this.compileProblems.push(`${where}: effect must be ALLOW or MASK`);
    if (n.effect === 'ALLOW' && rule.effect === 'MASK') this.compileProblems.push(`${where}: cannot turn a MASK rule into ALLOW`);
    for (const b of n.basis ?? []) if (!this.vocabulary.lawfulBases.has(b)) this.compileProblems.push(`${where}: unknown lawful basis "${b}"`);
    for (const g of n.gateway ?? []) if (!this.vocabulary.gateways.has(g)) this.compileProblems.push(`${where}: unknown statutory gateway "${g}"`);
    const roles = n.roles ? new Set(n.roles) : null;
    const purposes = n.purposes ? new Set(n.purposes) : null;
    return {
      ...rule,
      effect: n.effect === 'MASK' ? 'MASK' : rule.effect,
      basis: n.basis ?? rule.basis,
      gateway: n.gateway ?? rule.gateway,
      grants: rule.grants
        .map((g) => ({
          roles: roles ? new Set([...g.roles].filter((r) => roles.has(r))) : g.roles,
          purposes: purposes ? new Set([...g.purposes].filter((p) => purposes.has(p))) : g.purposes,
        }))
        .filter((g) => g.roles.size > 0 && g.purposes.size > 0),
    };
  }

  /** A stable key for everything a decision depends on. */
  static accessKey(access: Access): string {
    return `${access.role}|${access.purpose ?? ''}|${access.justified ? 1 : 0}`;
  }

  /**
   * The decision for a field selected on `parent` (as written in the operation); `null` when the field is not
   * classified. On an interface or union the strictest decision over its possible types applies, as Apollo
   * Router ANDs rules across implementations: what one implementation may not disclose is withheld for all.
   */
  decisionFor(parent: GraphQLCompositeType, fieldName: string, access: Access): Decision | null {
    const key = Policy.accessKey(access);
    let cache = this.decisions.get(key);
    if (!cache) this.decisions.set(key, (cache = new Map()));
    const coordinate = `${parent.name}.${fieldName}`;
    if (cache.has(coordinate)) return cache.get(coordinate) ?? null;
    let decision: Decision | null = null;
    if (isAbstractType(parent)) {
      for (const type of this.schema.getPossibleTypes(parent)) {
        const d = this.decisionFor(type, fieldName, access);
        if (d && (!decision || STRICTNESS[d.effect] > STRICTNESS[decision.effect])) decision = { ...d, coordinate };
      }
    } else {
      const fp = this.fields.get(coordinate);
      decision = fp ? decide(fp, access, this.agreement, this.vocabulary) : null;
    }
    cache.set(coordinate, decision);
    return decision;
  }
}
