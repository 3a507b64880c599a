/**
 * The broker's validated configuration, by Kafka's names camelCased. The
 * parser (properties file, FLUXO_* environment, flags) and the full list of
 * settings live beside this file.
 */
export interface BrokerConfig {
  readonly nodeId: number;
  readonly listeners: string;
  readonly logDirs: string[];
  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly autoCreateTopicsEnable: boolean;
  readonly messageMaxBytes: number;
  readonly socketRequestMaxBytes: number;
}
