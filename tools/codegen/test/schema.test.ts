/** The generator's schema reading: version specs, comments, names, and the set it loads. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { camel, kebab } from '../src/emit-message.js';
import { loadSchemas, parseMessage, stripComments } from '../src/schema.js';
import { contains, isEmpty, parseVersions, versionCondition } from '../src/versions.js';
import { SCHEMA_DIR } from './generated-modules.js';

describe('version specs', () => {
  test('Kafka forms: "N+", "A-B", "N", "none", absent', () => {
    assert.deepEqual(parseVersions('3+'), { lowest: 3, highest: Number.POSITIVE_INFINITY });
    assert.deepEqual(parseVersions('0-7'), { lowest: 0, highest: 7 });
    assert.deepEqual(parseVersions('5'), { lowest: 5, highest: 5 });
    assert.ok(isEmpty(parseVersions('none')));
    assert.ok(isEmpty(parseVersions(undefined)));
    assert.throws(() => parseVersions('x'));
  });

  test('contains and the emitted version conditions agree', () => {
    const range = parseVersions('2-4');
    for (let v = 0; v <= 9; v++) {
      const condition = versionCondition(range.lowest, range.highest, 0, 9);
      const holds = new Function('v', `return ${condition};`)(v) as boolean;
      assert.equal(holds, contains(range, v), `v${v}: ${condition}`);
    }
    assert.equal(versionCondition(0, 9, 0, 9), 'true');
  });
});

describe('schema files', () => {
  test('whole-line // comments are dropped, JSON stays intact', () => {
    const spec = parseMessage(
      'messages',
      'X.json',
      '// header\n{ "name": "XRequest", "type": "request", "apiKey": 99,\n  // note\n  "validVersions": "0-1", "flexibleVersions": "1+", "fields": [\n { "name": "A", "type": "string", "versions": "0+", "about": "a // b" } ] }',
    );
    assert.equal(spec.name, 'XRequest');
    assert.equal(spec.fields[0]?.about, 'a // b');
    assert.equal(stripComments('  // x\n1'), '1');
  });

  test('every group loads and every request has a response', () => {
    const specs = loadSchemas(SCHEMA_DIR);
    const requests = specs.filter((s) => s.type === 'request');
    const responseKeys = new Set(specs.filter((s) => s.type === 'response').map((s) => s.apiKey));
    assert.ok(requests.length >= 70);
    for (const r of requests) assert.ok(responseKeys.has(r.apiKey), r.name);
    assert.ok(specs.some((s) => s.name === 'RequestHeader' && s.type === 'header'));
  });
});

describe('names', () => {
  test('module and field names', () => {
    assert.equal(kebab('ApiVersionsRequest'), 'api-versions-request');
    assert.equal(kebab('DescribeQuorumResponse'), 'describe-quorum-response');
    assert.equal(kebab('SASLHandshakeRequest'), 'sasl-handshake-request');
    assert.equal(camel('ThrottleTimeMs'), 'throttleTimeMs');
  });
});
