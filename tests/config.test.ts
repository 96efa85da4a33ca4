import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../gateway/config.js';
import { agencies } from '../subgraphs/registry.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, agencies);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    return (error as ConfigError).problems;
  }
  return [];
}

describe('configuration', () => {
  it('defaults to the embedded store, port 4000 and subgraphs on PORT+1 … PORT+4', () => {
    const config = loadConfig({}, agencies);
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBeNull();
    expect(config.policyMode).toBe('enforce');
    expect(config.auth.kind).toBe('dev');
    expect(Object.fromEntries(config.subgraphs.map((s) => [s.agency.name, s.port]))).toEqual({ police: 4001, education: 4002, health: 4003, 'social-care': 4004 });
  });

  it('follows PORT, lets each subgraph port be overridden, and uses a URL for a subgraph served elsewhere', () => {
    const config = loadConfig({ PORT: '5000', HEALTH_PORT: '5100', POLICE_URL: 'http://police.internal:4001/graphql' }, agencies);
    const by = Object.fromEntries(config.subgraphs.map((s) => [s.agency.name, s]));
    expect(by['education']!.port).toBe(5002);
    expect(by['health']!.port).toBe(5100);
    expect(by['police']).toMatchObject({ port: null, url: 'http://police.internal:4001/graphql' });
  });

  it('names every bad variable and what it expects, all at once', () => {
    const found = problems({ PORT: 'eighty', POLICY_MODE: 'lenient', DATABASE_URL: 'mysql://x@y/z', AUTH_JWKS_URL: 'https://idp.example/jwks' });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT="eighty": expected a whole number/),
        expect.stringMatching(/^POLICY_MODE="lenient": expected enforce/),
        expect.stringMatching(/^DATABASE_URL: expected a postgres: or postgresql: URL/),
        expect.stringMatching(/^AUTH_ISSUER: required/),
        expect.stringMatching(/^AUTH_AUDIENCE: required/),
      ]),
    );
  });

  it('reports a bad database URL once, not again for the audit log that falls back to it', () => {
    expect(problems({ DATABASE_URL: 'mysql://x@y/z' })).toEqual([expect.stringMatching(/^DATABASE_URL: expected a postgres: or postgresql: URL/)]);
  });

  it('refuses two servers on one port', () => {
    expect(problems({ PORT: '4000', POLICE_PORT: '4002' })).toEqual([expect.stringMatching(/^POLICE_PORT=4002 clashes with|^EDUCATION_PORT=4002 clashes with POLICE_PORT/)]);
  });

  it('never echoes a password from a bad URL', () => {
    const found = problems({ DATABASE_URL: 'postgres//user:s3cret@host/db' });
    expect(found.join('\n')).not.toContain('s3cret');
  });
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
    services: Record<string, { command?: string[]; environment?: Record<string, string>; expose?: string[]; ports?: string[] }>;
  };

  it('has PostgreSQL, the gateway and one service per registered agency', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['gateway', 'postgres', ...agencies.map((a) => a.name)].sort());
  });

  it('serves each agency on its default port and points the gateway at it', () => {
    const gateway = compose.services['gateway']!;
    expect(gateway.environment!['PORT']).toBe('4000');
    for (const agency of agencies) {
      const port = String(4000 + agency.portOffset);
      const service = compose.services[agency.name]!;
      expect(service.command).toEqual(['npm', 'run', 'subgraph', '--', agency.name]);
      expect(service.environment![`${agency.envPrefix}_PORT`]).toBe(port);
      expect(service.expose).toEqual([port]);
      expect(service.environment!['GATEWAY_JWKS_URL']).toBe('http://gateway:4000/.well-known/jwks.json');
      expect(gateway.environment![`${agency.envPrefix}_URL`]).toBe(`http://${agency.name}:${port}/graphql`);
    }
  });

  it('gives the gateway a configuration that validates', () => {
    const env = compose.services['gateway']!.environment!;
    const config = loadConfig(env, agencies);
    expect(config.subgraphs.every((s) => s.port === null)).toBe(true);
    expect(config.databaseUrl).toBe('postgres://mash:mash@postgres:5432/mash');
  });
});
