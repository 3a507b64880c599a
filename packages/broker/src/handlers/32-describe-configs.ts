// DescribeConfigs (32), versions 0-4. TOPIC (2) resources show every topic
// config of storage's table with its effective value and source (topic
// override, dynamic broker / dynamic default / static broker setting, default);
// BROKER (4) resources: this node's id shows every setting with its effective
// value and source, "" only the cluster-wide dynamic defaults (as Kafka).
// Synonyms from v1 when asked, types and documentation from v3. Unknown topic: UNKNOWN_TOPIC_OR_PARTITION;
// another broker's id: INVALID_REQUEST; other resource types: INVALID_REQUEST.
import { ApiKey, type DescribeConfigsRequest, DescribeConfigsResponse } from '@fluxo/protocol';
import { brokerConfigEntries, type ConfigEntry, topicConfigEntries } from '../admin/config-view.js';
import { logConfigOf } from '../admin/topic-admin.js';
import { ErrorCode } from '@fluxo/protocol';
import { topicNameProblem } from '../metadata/topic-name.js';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

import { ResourceType } from '../admin/alter-topic-configs.js';

export const describeConfigsHandler: ApiHandler = {
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx: RequestContext, request: DescribeConfigsRequest.DescribeConfigsRequestData, broker: BrokerServices) {
    const results = request.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      const described = describe(broker, r);
      if ('errorCode' in described)
        return DescribeConfigsResponse.createDescribeConfigsResult({ ...base, ...described });
      return DescribeConfigsResponse.createDescribeConfigsResult({
        ...base,
        errorCode: 0,
        errorMessage: null,
        configs: described.map((e) => toWire(e, ctx.apiVersion, request)),
      });
    });
    return DescribeConfigsResponse.create({ results });
  },
};

function describe(
  broker: BrokerServices,
  r: DescribeConfigsRequest.DescribeConfigsResource,
): ConfigEntry[] | { errorCode: number; errorMessage: string } {
  if (r.resourceType === ResourceType.TOPIC) {
    const problem = topicNameProblem(r.resourceName);
    if (problem !== null) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: problem };
    const topic = broker.topics.get(r.resourceName);
    if (topic === undefined) {
      return {
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        errorMessage: `Topic '${r.resourceName}' does not exist.`,
      };
    }
    return topicConfigEntries(broker, topic.configs, logConfigOf(broker, topic), r.configurationKeys);
  }
  if (r.resourceType === ResourceType.BROKER) {
    if (r.resourceName !== '' && r.resourceName !== String(broker.nodeId)) {
      return {
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `Unexpected broker id, expected ${broker.nodeId} or empty string, but received ${r.resourceName}`,
      };
    }
    return brokerConfigEntries(broker, r.configurationKeys, r.resourceName === '');
  }
  return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unsupported resource type ${r.resourceType}` };
}

/** v0 has isDefault, v1+ configSource and synonyms, v3+ type and documentation; the codec rejects the rest. */
function toWire(
  e: ConfigEntry,
  version: number,
  request: DescribeConfigsRequest.DescribeConfigsRequestData,
): DescribeConfigsResponse.DescribeConfigsResourceResult {
  const result = DescribeConfigsResponse.createDescribeConfigsResourceResult({
    name: e.name,
    value: e.value,
    readOnly: e.readOnly,
    isSensitive: false,
  });
  if (version === 0) result.isDefault = e.isDefault;
  if (version >= 1) {
    result.configSource = e.configSource;
    if (request.includeSynonyms) {
      result.synonyms = e.synonyms.map((s) => DescribeConfigsResponse.createDescribeConfigsSynonym(s));
    }
  }
  if (version >= 3) {
    result.configType = e.configType;
    if (request.includeDocumentation) result.documentation = e.documentation;
  }
  return result;
}
