import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { agencyInputs, composeSupergraph, SUPERGRAPH_FILE, type ComposeInput } from '../schema/composeSupergraph.js';
import { agencies } from '../subgraphs/registry.js';

const inputs = () => agencyInputs(agencies);
const edit = (name: string, from: string | RegExp, to: string): ComposeInput[] =>
  inputs().map((i) => {
    if (i.name !== name) return i;
    const sdl = i.sdl.replace(from, to);
    if (sdl === i.sdl) throw new Error(`test setup: ${String(from)} not found in ${name}`);
    return { ...i, sdl };
  });
const agreement = readFileSync(new URL('../schema/agreement.yaml', import.meta.url), 'utf8');

describe('composition and its data-protection checks', () => {
  it('composes the registered agencies into exactly the committed supergraph (run npm run compose if this fails)', () => {
    const outcome = composeSupergraph(inputs());
    expect(outcome.errors).toEqual([]);
    expect(outcome.supergraphSdl).toBe(readFileSync(fileURLToPath(SUPERGRAPH_FILE), 'utf8'));
  });

  it('keeps the disclosure directives in the supergraph through @composeDirective', () => {
    const sdl = readFileSync(fileURLToPath(SUPERGRAPH_FILE), 'utf8');
    expect(sdl).toContain('@link(url: "https://specs.mash-gateway.example/disclosure/v1.0"');
    expect(sdl).toMatch(/diagnoses: \[Diagnosis\].*@classify\(category: "HEALTH_SENSITIVE"/);
  });

  it('fails on a field that holds data but is not classified', () => {
    const outcome = composeSupergraph(edit('health', 'gpPractice: String @classify(category: "HEALTH_SUMMARY")', 'gpPractice: String\n  bloodGroup: String'));
    expect(outcome.supergraphSdl).toBeNull();
    expect(outcome.errors).toEqual(expect.arrayContaining([expect.stringMatching(/^Health\.gpPractice: holds data but is not classified/), expect.stringMatching(/^Health\.bloodGroup: holds data but is not classified/)]));
  });

  it('accepts an unclassified leaf reached only through a classified field', () => {
    const outcome = composeSupergraph(edit('health', 'code: String', 'code: String\n  codingSystem: String'));
    expect(outcome.errors).toEqual([]);
  });

  it('fails on a category that is not in the vocabulary', () => {
    const outcome = composeSupergraph(edit('education', '"EDU_SEND")\n  ehcp', '"EDU_SPECIAL")\n  ehcp'));
    expect(outcome.errors).toEqual(expect.arrayContaining([expect.stringMatching(/Education\.sendStatus: unknown category "EDU_SPECIAL"/)]));
  });

  it('fails on a narrowing that names an unknown rule, role or lawful basis', () => {
    const unknownRule = composeSupergraph(edit('education', '@disclose(rule: "encompass"', '@disclose(rule: "encompas"'));
    expect(unknownRule.errors).toEqual(expect.arrayContaining([expect.stringMatching(/Education\.upn: @disclose\(rule: "encompas"\) names no agreement rule/)]));
    const unknownRole = composeSupergraph(edit('education', '@disclose(rule: "encompass", roles: []', '@disclose(rule: "encompass", roles: ["HEADTEACHER"]'));
    expect(unknownRole.errors).toEqual(expect.arrayContaining([expect.stringMatching(/unknown role "HEADTEACHER"/)]));
    const unknownBasis = composeSupergraph(edit('education', '@disclose(rule: "encompass", roles: []', '@disclose(rule: "core", basis: ["UKGDPR A6(1)(z)"]'));
    expect(unknownBasis.errors).toEqual(expect.arrayContaining([expect.stringMatching(/unknown lawful basis "UKGDPR A6\(1\)\(z\)"/)]));
  });

  it('fails when a subgraph tries to widen the agreement', () => {
    const outcome = composeSupergraph(edit('health', '@classify(category: "HEALTH_SENSITIVE", labels: ["CONFIDENTIAL"])', '@classify(category: "HEALTH_SENSITIVE", labels: ["CONFIDENTIAL"]) @disclose(rule: "health-sensitive", roles: ["SCHOOL_DSL"])'));
    expect(outcome.errors).toEqual(expect.arrayContaining([expect.stringMatching(/Health\.diagnoses @disclose\(rule: "health-sensitive"\): role SCHOOL_DSL is not granted/)]));
    const borrowed = composeSupergraph(edit('health', '@classify(category: "HEALTH_SENSITIVE", labels: ["CONFIDENTIAL"])', '@classify(category: "HEALTH_SENSITIVE", labels: ["CONFIDENTIAL"]) @disclose(rule: "core")'));
    expect(borrowed.errors).toEqual(expect.arrayContaining([expect.stringMatching(/names no agreement rule that covers HEALTH_SENSITIVE/)]));
  });

  it('fails when two subgraphs classify one coordinate differently', () => {
    const withShared = inputs().map((i) =>
      i.name === 'police' || i.name === 'health'
        ? { ...i, sdl: i.sdl.replace('@link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective"])', '@link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective", "@shareable"])') + `\ntype Contact @shareable { phone: String @classify(category: "${i.name === 'police' ? 'ID_CORE' : 'HOUSEHOLD'}") }\nextend type Query { contact${i.name === 'police' ? 'A' : 'B'}: Contact @classify(category: "ID_CORE") }\n` }
        : i,
    );
    const outcome = composeSupergraph(withShared);
    expect(outcome.supergraphSdl).toBeNull();
    expect(outcome.errors.join('\n')).toMatch(/Contact\.phone: police and health annotate it differently/);
  });

  it('fails when an agreement rule would disclose STATUTORY_BAR data', () => {
    const outcome = composeSupergraph(inputs(), { agreementText: agreement.replace('categories: [ID_CORE]\n    grants: [{ roles: [MASH_BUSINESS_SUPPORT]', 'categories: [ID_CORE, STATUTORY_BAR]\n    grants: [{ roles: [MASH_BUSINESS_SUPPORT]') });
    expect(outcome.errors).toEqual(expect.arrayContaining([expect.stringMatching(/agreement rule support: no rule can disclose STATUTORY_BAR/)]));
    const allExcept = composeSupergraph(inputs(), { agreementText: agreement.replace('categories: { allExcept: [STATUTORY_BAR] }', 'categories: { allExcept: [] }') });
    expect(allExcept.errors).toEqual(expect.arrayContaining([expect.stringMatching(/agreement rule break-glass: no rule can disclose STATUTORY_BAR/)]));
  });

  it('fails on an agreement identifier that is not in the vocabulary', () => {
    const outcome = composeSupergraph(inputs(), { agreementText: agreement.replace('basis: ["UKGDPR A6(1)(e)"]\n    gateway: ["CA1989 s17"]', 'basis: ["UKGDPR A6(1)(e)"]\n    gateway: ["CA1989 s17", "CA1989 s99"]') });
    expect(outcome.errors).toEqual(expect.arrayContaining([expect.stringMatching(/agreement rule cin-assessment: unknown statutory gateway "CA1989 s99"/)]));
  });

  it('fails on a classified field that is non-null (withholding it would null its parent)', () => {
    const outcome = composeSupergraph(edit('education', 'school: String @classify', 'school: String! @classify'));
    expect(outcome.errors).toEqual(expect.arrayContaining([expect.stringMatching(/Education\.school: a classified field must be nullable/)]));
  });

  it('prints composition problems clearly and exits non-zero from the command line', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const ok = spawnSync('npx', ['tsx', 'schema/compose.ts', '--check'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'mash-compose-'));
    try {
      const draft = join(dir, 'draft.yaml');
      writeFileSync(draft, agreement.replace('roles: [MASH_BUSINESS_SUPPORT]', 'roles: [MASH_BUSINESS_SUPPORT, CLEANER]'));
      const bad = spawnSync('npx', ['tsx', 'schema/compose.ts', '--agreement', draft], { encoding: 'utf8' });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/Composition failed \(1 problem\):\n  ✗ agreement rule support: unknown role "CLEANER"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
