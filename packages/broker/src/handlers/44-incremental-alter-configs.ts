// IncrementalAlterConfigs (44), versions 0-1: SET, DELETE, APPEND and SUBTRACT
// (the last two for list configs such as cleanup.policy) on a topic's
// overrides; everything is validated before anything is applied, and
// validateOnly applies nothing. BROKER resources change the dynamic broker
// configs (admin/alter-broker-configs.ts): only dynamically updatable settings.
import { ApiKey, type IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from '@fluxo/protocol';
import { alterResourceConfigs } from '../admin/alter-topic-configs.js';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const incrementalAlterConfigsHandler: ApiHandler = {
  apiKey: ApiKey.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  handle(
    _ctx: RequestContext,
    request: IncrementalAlterConfigsRequest.IncrementalAlterConfigsRequestData,
    broker: BrokerServices,
  ) {
    const responses = request.resources.map((r) => {
      const changes = r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value }));
      const result = alterResourceConfigs(broker, r.resourceType, r.resourceName, changes, false, request.validateOnly);
      return IncrementalAlterConfigsResponse.createAlterConfigsResourceResponse({
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        ...result,
      });
    });
    return IncrementalAlterConfigsResponse.create({ responses });
  },
};
