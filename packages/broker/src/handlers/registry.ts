import { produceHandler } from './00-produce.js';
import { fetchHandler } from './01-fetch.js';
import { listOffsetsHandler } from './02-list-offsets.js';
import { metadataHandler } from './03-metadata.js';
import { apiVersionsHandler } from './18-api-versions.js';
import { createTopicsHandler } from './19-create-topics.js';
import { deleteTopicsHandler } from './20-delete-topics.js';
import { deleteRecordsHandler } from './21-delete-records.js';
import { describeConfigsHandler } from './32-describe-configs.js';
import { alterConfigsHandler } from './33-alter-configs.js';
import { describeLogDirsHandler } from './35-describe-log-dirs.js';
import { createPartitionsHandler } from './37-create-partitions.js';
import { incrementalAlterConfigsHandler } from './44-incremental-alter-configs.js';
import { describeClusterHandler } from './60-describe-cluster.js';
import { describeTopicPartitionsHandler } from './75-describe-topic-partitions.js';
import type { ApiHandler } from './handler.js';
import { HandlerTable } from './handler-table.js';

/** Every API this broker serves. Adding a handler here is what makes ApiVersions advertise it. */
export function createHandlerTable(): HandlerTable {
  const handlers: ApiHandler[] = [
    produceHandler,
    fetchHandler,
    listOffsetsHandler,
    metadataHandler,
    deleteRecordsHandler,
    createTopicsHandler,
    deleteTopicsHandler,
    describeConfigsHandler,
    alterConfigsHandler,
    describeLogDirsHandler,
    createPartitionsHandler,
    incrementalAlterConfigsHandler,
    describeClusterHandler,
    describeTopicPartitionsHandler,
  ];
  const table: HandlerTable = new HandlerTable([...handlers, apiVersionsHandler(() => table)]);
  return table;
}
