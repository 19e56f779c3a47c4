import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest, type ArtifactManifest } from './manifest';

const entry = (version: number) => ({
  version,
  runId: `run-${version}`,
  params: {},
  metrics: {},
  objective: null,
  dataFingerprints: {},
  signature: { inputs: [{ name: 'x', dtype: 'number', nullable: false }], outputs: [{ name: 'y', meaning: 'a number' }] },
  files: { model: `models/v${version}/model.json`, preprocess: 'p.json', referenceStats: 'r.json', testVectors: 't.json' },
});

const valid: ArtifactManifest = {
  format: 'kiln-model-artifact',
  version: 1,
  name: 'Thing',
  servingName: 'thing',
  versions: [entry(1), entry(2)] as ArtifactManifest['versions'],
  production: 2,
  fallback: 1,
  created: '2025-01-01T00:00:00.000Z',
  tfjsVersion: '4.22.0',
};

describe('parseManifest', () => {
  it('reads a valid manifest as it is', () => {
    expect(parseManifest(structuredClone(valid))).toEqual(valid);
  });

  it('accepts a manifest rolled back by hand to one version without fallback', () => {
    expect(parseManifest({ ...valid, production: 1, fallback: null })).toMatchObject({ production: 1, fallback: null });
  });

  it.each<[string, unknown, string]>([
    ['another format', { ...valid, format: 'zip' }, 'manifest.json format: expected "kiln-model-artifact", got "zip"'],
    ['a newer version', { ...valid, version: 2 }, 'manifest.json version: this server reads version 1, got 2'],
    ['a serving name with capitals', { ...valid, servingName: 'Thing' }, 'manifest.json servingName: expected lowercase letters'],
    ['production not listed', { ...valid, production: 3 }, 'manifest.json production: version 3 is not in versions (1, 2)'],
    ['fallback not listed', { ...valid, fallback: 7 }, 'manifest.json fallback: version 7 is not in versions'],
    ['fallback equal to production', { ...valid, fallback: 2 }, 'manifest.json fallback: must differ from production'],
    ['production that is not a number', { ...valid, production: '2' }, 'manifest.json production: expected a version number'],
    ['a version listed twice', { ...valid, versions: [entry(1), entry(1)] }, 'manifest.json versions[1].version: version 1 is listed twice'],
    ['a version without files', { ...valid, versions: [{ ...entry(1), files: undefined }, entry(2)] }, 'manifest.json versions[0].files: expected an object'],
    ['two outputs', { ...valid, versions: [entry(1), { ...entry(2), signature: { inputs: [], outputs: [{ name: 'a', meaning: 'b' }, { name: 'c', meaning: 'd' }] } }] }, 'manifest.json versions[1].signature.outputs: expected exactly one output, got 2'],
  ])('names the field at fault: %s', (_case, json, message) => {
    expect(() => parseManifest(json)).toThrow(ManifestError);
    expect(() => parseManifest(json)).toThrow(message);
  });
});
