/**
 * The `provisioners:` of custos.yaml as the core's Provisioner list: the keys each type needs checked together
 * (the schema checks each key alone), durations read, and the default `bootstrap` provisioner added.
 */
import {
  withDefaultProvisioners,
  type Provisioner,
  type ProvisionerLimits,
} from '../../core/ca/provisioners/provisioner.js';
import { MAX_DURATION_MS, parseDuration } from '../../core/duration.js';
import type { SchemaProblem } from './config-validator.js';
import type { Config } from './schema.js';

type Entry = NonNullable<Config['provisioners']>[number];

const JWT_KEYS = ['issuer', 'audience', 'jwksUri', 'jwksFile', 'claimsToNames'] as const;

/** The keys each type may carry besides name, type and limits. */
const ALLOWED: Record<Entry['type'], readonly (keyof Entry)[]> = {
  bootstrap: [],
  oidc: JWT_KEYS,
  kubernetes: ['issuer', 'audience', 'jwksUri', 'jwksFile'],
  mtls: ['authority'],
};
const OTHER_KEYS: readonly (keyof Entry)[] = [...JWT_KEYS, 'authority'];

/** What only the keys of one provisioner together, or the list as a whole, can get wrong. */
export function provisionerProblems(config: Config): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const entries = config.provisioners ?? [];
  entries.forEach((entry, index) => {
    const at = (key: string): string[] => ['provisioners', String(index), key];
    const first = entries.findIndex((e) => e.name === entry.name);
    if (first !== index)
      problems.push({ path: at('name'), message: `is the name of provisioners[${first}] too` });
    for (const key of OTHER_KEYS)
      if (entry[key] !== undefined && !ALLOWED[entry.type].includes(key))
        problems.push({ path: at(key), message: `is not a key of a ${entry.type} provisioner` });
    if (entry.type === 'oidc' || entry.type === 'kubernetes') {
      for (const key of ['issuer', 'audience'] as const)
        if (entry[key] === undefined)
          problems.push({ path: at(key), message: `is required for ${entry.type}` });
      if ((entry.jwksUri === undefined) === (entry.jwksFile === undefined))
        problems.push({
          path: at(entry.jwksUri === undefined ? 'jwksUri' : 'jwksFile'),
          message: `give exactly one of jwksUri and jwksFile for ${entry.type}`,
        });
    }
  });
  return problems;
}

function limitsOf(entry: Entry): ProvisionerLimits {
  const limits: ProvisionerLimits = {};
  if (entry.limits?.names !== undefined) limits.names = entry.limits.names;
  if (entry.limits?.keyTypes !== undefined) limits.keyTypes = entry.limits.keyTypes;
  if (entry.limits?.maxTtl !== undefined)
    limits.maxTtlMs = parseDuration(entry.limits.maxTtl, 'maxTtl', { maxMs: MAX_DURATION_MS });
  return limits;
}

/** The provisioners of a checked configuration, the default `bootstrap` one included. */
export function provisionersOf(config: Config): Provisioner[] {
  const configured = (config.provisioners ?? []).map((entry): Provisioner => {
    const base = { name: entry.name, limits: limitsOf(entry) };
    switch (entry.type) {
      case 'bootstrap':
        return { ...base, type: 'bootstrap' };
      case 'mtls':
        return { ...base, type: 'mtls', authority: entry.authority ?? null };
      case 'oidc':
      case 'kubernetes':
        return {
          ...base,
          type: entry.type,
          issuer: entry.issuer ?? '',
          audience: entry.audience ?? '',
          jwks: entry.jwksUri !== undefined ? { uri: entry.jwksUri } : { file: entry.jwksFile ?? '' },
          claimsToNames: entry.claimsToNames ?? [],
        };
    }
  });
  return withDefaultProvisioners(configured);
}
