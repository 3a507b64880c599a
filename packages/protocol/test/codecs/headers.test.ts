/** Request/response headers and the api-table rules that pick their versions. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  API_TABLE,
  ApiKey,
  ApiVersionsRequest,
  ApiVersionsResponse,
  ProduceResponse,
  Reader,
  RequestHeader,
  ResponseHeader,
  Writer,
  apiInfo,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../src/index.js';

function encodeRequestHeader(data: RequestHeader.RequestHeaderData, version: number): Buffer {
  const w = new Writer();
  RequestHeader.encode(w, data, version);
  return w.toBuffer();
}

describe('RequestHeader', () => {
  const header = RequestHeader.create({
    requestApiKey: 3,
    requestApiVersion: 12,
    correlationId: 0x0a0b0c0d,
    clientId: 'ab',
  });

  test('v0 has no client id', () => {
    assert.equal(encodeRequestHeader(header, 0).toString('hex'), '0003000c0a0b0c0d');
    const r = new Reader(Buffer.from('0003000c0a0b0c0d', 'hex'));
    assert.deepEqual(RequestHeader.decode(r, 0), { ...header, clientId: '' });
    assert.equal(r.remaining, 0);
  });

  test('v1 adds a classic nullable string client id', () => {
    assert.equal(encodeRequestHeader(header, 1).toString('hex'), '0003000c0a0b0c0d' + '00026162');
    const nullId = encodeRequestHeader({ ...header, clientId: null }, 1);
    assert.equal(nullId.toString('hex'), '0003000c0a0b0c0d' + 'ffff');
    assert.equal(RequestHeader.decode(new Reader(nullId), 1).clientId, null);
  });

  test('v2 keeps the int16 client id (not compact) and adds tagged fields', () => {
    const bytes = encodeRequestHeader(header, 2);
    assert.equal(bytes.toString('hex'), '0003000c0a0b0c0d' + '00026162' + '00');
    const r = new Reader(bytes);
    assert.deepEqual(RequestHeader.decode(r, 2), header);
    assert.equal(r.remaining, 0);
    assert.equal(encodeRequestHeader({ ...header, clientId: null }, 2).toString('hex'), '0003000c0a0b0c0dffff00');
  });

  test('v2 keeps unknown header tags', () => {
    const bytes = Buffer.from('0003000c0a0b0c0d' + '00026162' + '01' + '0502beef', 'hex');
    const decoded = RequestHeader.decode(new Reader(bytes), 2);
    assert.deepEqual(decoded._unknownTaggedFields, [{ tag: 5, data: Buffer.from('beef', 'hex') }]);
    assert.ok(encodeRequestHeader(decoded, 2).equals(bytes));
  });
});

describe('ResponseHeader', () => {
  test('v0 is the correlation id, v1 adds tagged fields', () => {
    const header = ResponseHeader.create({ correlationId: -2 });
    for (const [version, expected] of [
      [0, 'fffffffe'],
      [1, 'fffffffe00'],
    ] as const) {
      const w = new Writer();
      ResponseHeader.encode(w, header, version);
      assert.equal(w.toBuffer().toString('hex'), expected);
      const r = new Reader(Buffer.from(expected, 'hex'));
      assert.deepEqual(ResponseHeader.decode(r, version), header);
      assert.equal(r.remaining, 0);
    }
  });
});

describe('header versions from the api table', () => {
  test('well-known first flexible versions', () => {
    const expected: Record<string, number> = {
      Produce: 9,
      Fetch: 12,
      ListOffsets: 6,
      Metadata: 9,
      OffsetCommit: 8,
      OffsetFetch: 6,
      FindCoordinator: 3,
      JoinGroup: 6,
      Heartbeat: 4,
      ApiVersions: 3,
      CreateTopics: 5,
      InitProducerId: 2,
    };
    for (const [name, flexible] of Object.entries(expected)) {
      const api = API_TABLE.find((a) => a.name === name);
      assert.ok(api, name);
      assert.equal(api.firstFlexibleVersion, flexible, name);
    }
  });

  test('request header v1 before the first flexible version, v2 from it; ControlledShutdown v0 uses v0', () => {
    for (const api of API_TABLE) {
      assert.equal(apiInfo(api.apiKey), api);
      for (let v = api.lowestVersion; v <= api.highestVersion; v++) {
        const flexible = api.firstFlexibleVersion >= 0 && v >= api.firstFlexibleVersion;
        const expected = flexible ? 2 : api.apiKey === ApiKey.ControlledShutdown && v === 0 ? 0 : 1;
        assert.equal(requestHeaderVersion(api.apiKey, v), expected, `${api.name} v${v}`);
      }
    }
    assert.equal(requestHeaderVersion(ApiKey.Produce, 8), 1);
    assert.equal(requestHeaderVersion(ApiKey.Produce, 9), 2);
  });

  test('response header v0 before the first flexible version, v1 from it, except ApiVersions (always v0)', () => {
    for (const api of API_TABLE) {
      for (let v = api.lowestVersion; v <= api.highestVersion; v++) {
        const flexible = api.firstFlexibleVersion >= 0 && v >= api.firstFlexibleVersion;
        const expected = api.apiKey === ApiKey.ApiVersions ? 0 : flexible ? 1 : 0;
        assert.equal(responseHeaderVersion(api.apiKey, v), expected, `${api.name} v${v}`);
      }
    }
    for (let v = 0; v <= 4; v++) assert.equal(responseHeaderVersion(18, v), 0);
    assert.equal(responseHeaderVersion(ApiKey.Fetch, 11), 0);
    assert.equal(responseHeaderVersion(ApiKey.Fetch, 12), 1);
  });

  test('a flexible ApiVersions exchange: request header v2, response header v0 with a flexible body', () => {
    const request = new Writer();
    RequestHeader.encode(
      request,
      RequestHeader.create({ requestApiKey: 18, requestApiVersion: 3, correlationId: 7, clientId: 'c' }),
      requestHeaderVersion(18, 3),
    );
    ApiVersionsRequest.encode(
      request,
      ApiVersionsRequest.create({ clientSoftwareName: 'fluxo', clientSoftwareVersion: '0.1' }),
      3,
    );
    const r = new Reader(request.toBuffer());
    const header = RequestHeader.decode(r, 2);
    const api = apiInfo(header.requestApiKey);
    assert.equal(api?.name, 'ApiVersions');
    const body = api.request.decode(r, header.requestApiVersion) as ApiVersionsRequest.ApiVersionsRequestData;
    assert.equal(body.clientSoftwareName, 'fluxo');
    assert.equal(r.remaining, 0);

    const response = new Writer();
    ResponseHeader.encode(response, ResponseHeader.create({ correlationId: 7 }), responseHeaderVersion(18, 3));
    ApiVersionsResponse.encode(
      response,
      ApiVersionsResponse.create({
        apiKeys: [ApiVersionsResponse.createApiVersion({ apiKey: 0, minVersion: 3, maxVersion: 11 })],
      }),
      3,
    );
    const bytes = response.toBuffer();
    // Header v0: just the correlation id, no tag byte, then the compact body.
    assert.equal(bytes.subarray(0, 4).toString('hex'), '00000007');
    const rr = new Reader(bytes);
    assert.equal(ResponseHeader.decode(rr, 0).correlationId, 7);
    const decoded = ApiVersionsResponse.decode(rr, 3);
    assert.deepEqual(
      decoded.apiKeys.map((k) => [k.apiKey, k.minVersion, k.maxVersion]),
      [[0, 3, 11]],
    );
    assert.equal(rr.remaining, 0);
  });

  test('the table pairs each request with its response codec', () => {
    for (const api of API_TABLE) {
      assert.equal(api.request.name, `${api.name}Request`);
      assert.equal(api.response.name, `${api.name}Response`);
      assert.equal(api.request.lowestVersion, api.lowestVersion);
      assert.equal(api.response.highestVersion, api.highestVersion);
    }
    assert.equal(apiInfo(ApiKey.Produce)?.response, ProduceResponse as unknown);
    assert.equal(apiInfo(10_000), undefined);
  });
});
