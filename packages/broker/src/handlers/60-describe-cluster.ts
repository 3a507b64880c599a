// DescribeCluster (60), versions 0-1: the cluster id, this node as the only
// broker and as the controller. For endpointType 2 (controllers, v1) the same
// node is listed, since it is the combined controller.
import { ApiKey, type DescribeClusterRequest, DescribeClusterResponse } from '@fluxo/protocol';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const describeClusterHandler: ApiHandler = {
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  handle(_ctx: RequestContext, request: DescribeClusterRequest.DescribeClusterRequestData, broker: BrokerServices) {
    return DescribeClusterResponse.create({
      errorCode: 0,
      errorMessage: null,
      // v0 cannot carry the field; its default (1, brokers) is what v0 means.
      endpointType: request.endpointType,
      clusterId: broker.clusterId,
      controllerId: broker.nodeId,
      brokers: [
        DescribeClusterResponse.createDescribeClusterBroker({
          brokerId: broker.nodeId,
          host: broker.advertised.host,
          port: broker.advertised.port,
          rack: broker.config.brokerRack,
        }),
      ],
    });
  },
};
