/** ListOffsets' special timestamps (Kafka's ListOffsetsRequest constants). */
export const ListOffsetsTimestamp = {
  LATEST: -1n,
  EARLIEST: -2n,
  /** KIP-734, v7+ */
  MAX_TIMESTAMP: -3n,
  /** KIP-405, v8+: first offset on local disk (everything is local here). */
  EARLIEST_LOCAL: -4n,
  /** KIP-1005, v9+: last offset in tiered storage (none here). */
  LATEST_TIERED: -5n,
} as const;
