export { decodeEntryBatches, encodeEntryBatches } from './entry-batches.js';
export {
  apiOfKey,
  apiOfRequest,
  type DecodedRequest,
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  responseCorrelationId,
  wireRoundTrip,
} from './frames.js';
export { API, CLUSTER_ID, METADATA_TOPIC, METADATA_TOPIC_ID, PRE_VOTE_TAG } from './kafka-messages.js';
export { answerDescribeQuorum, type QuorumView } from './describe-quorum.js';
