import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiKey, apiInfo } from '@fluxo/protocol';
import { negotiateVersions } from '../../src/index.js';

describe('negotiateVersions', () => {
  it('picks the highest version both sides support', () => {
    const produce = apiInfo(ApiKey.Produce)!;
    const chosen = negotiateVersions([
      { apiKey: ApiKey.Produce, minVersion: 3, maxVersion: 7 },
      { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 1000 },
    ]);
    assert.equal(chosen.get(ApiKey.Produce), Math.min(7, produce.highestVersion));
    const metadata = apiInfo(ApiKey.Metadata)!;
    const ourMax = metadata.latestVersionUnstable ? metadata.highestVersion - 1 : metadata.highestVersion;
    assert.equal(chosen.get(ApiKey.Metadata), ourMax);
  });

  it('leaves out APIs without overlap and keys we do not know', () => {
    const produce = apiInfo(ApiKey.Produce)!;
    const chosen = negotiateVersions([
      { apiKey: ApiKey.Produce, minVersion: produce.highestVersion + 1, maxVersion: produce.highestVersion + 5 },
      { apiKey: 9999, minVersion: 0, maxVersion: 3 },
    ]);
    assert.equal(chosen.has(ApiKey.Produce), false);
    assert.equal(chosen.has(9999), false);
  });
});
