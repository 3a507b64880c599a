// AlterConfigs (33), versions 0-2: the legacy API that replaces a topic's whole
// override set (configs not named go back to their defaults). Topic configs
// are checked against storage's table (INVALID_CONFIG); BROKER resources ("" =
// cluster default, node id = this broker) replace that dynamic layer
// (admin/alter-broker-configs.ts).
import { type AlterConfigsRequest, AlterConfigsResponse, ApiKey } from '@fluxo/protocol';
import { AlterConfigOp, alterResourceConfigs } from '../admin/alter-topic-configs.js';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const alterConfigsHandler: ApiHandler = {
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  handle(_ctx: RequestContext, request: AlterConfigsRequest.AlterConfigsRequestData, broker: BrokerServices) {
    const responses = request.resources.map((r: AlterConfigsRequest.AlterConfigsResource) => {
      const changes = r.configs.map((c) => ({ name: c.name, op: AlterConfigOp.SET, value: c.value }));
      const result = alterResourceConfigs(broker, r.resourceType, r.resourceName, changes, true, request.validateOnly);
      return AlterConfigsResponse.createAlterConfigsResourceResponse({
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        ...result,
      });
    });
    return AlterConfigsResponse.create({ responses });
  },
};
