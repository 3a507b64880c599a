// ApiVersions (18), versions 0-4. Lists exactly the handlers registered in the
// table. A too-new version is answered by the dispatcher (KIP-511: a v0
// response with UNSUPPORTED_VERSION and these ranges), never reaching here.
import { ApiKey, type ApiVersionsRequest, ApiVersionsResponse } from '@fluxo/protocol';
import type { ApiHandler } from './handler.js';
import type { HandlerTable } from './handler-table.js';

/** Built with the table it describes, which includes this handler. */
export function apiVersionsHandler(table: () => HandlerTable): ApiHandler {
  return {
    apiKey: ApiKey.ApiVersions,
    minVersion: 0,
    maxVersion: 4,
    handle(_ctx, _request: ApiVersionsRequest.ApiVersionsRequestData) {
      return ApiVersionsResponse.create({
        errorCode: 0,
        apiKeys: table()
          .versions()
          .map((v) => ApiVersionsResponse.createApiVersion(v)),
      });
    },
  };
}
