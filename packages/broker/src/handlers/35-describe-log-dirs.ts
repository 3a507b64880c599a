// DescribeLogDirs (35), versions 0-4: the one log dir with each partition's
// size on disk (all partitions when `topics` is null; unknown topics and
// partitions are left out, as Kafka does), and from v4 the disk's total and
// usable bytes.
import { statfsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiKey, type DescribeLogDirsRequest, DescribeLogDirsResponse } from '@fluxo/protocol';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const describeLogDirsHandler: ApiHandler = {
  apiKey: ApiKey.DescribeLogDirs,
  minVersion: 0,
  maxVersion: 4,
  handle(_ctx: RequestContext, request: DescribeLogDirsRequest.DescribeLogDirsRequestData, broker: BrokerServices) {
    const logDir = broker.config.logDirs[0]!;
    const wanted =
      request.topics === null ? null : new Map(request.topics.map((t) => [t.topic, new Set(t.partitions)]));
    const byTopic = new Map<string, DescribeLogDirsResponse.DescribeLogDirsPartition[]>();
    for (const log of broker.logs.all()) {
      if (broker.topics.get(log.topic) === undefined) continue;
      if (wanted !== null && !wanted.get(log.topic)?.has(log.partition)) continue;
      let list = byTopic.get(log.topic);
      if (list === undefined) byTopic.set(log.topic, (list = []));
      list.push(
        DescribeLogDirsResponse.createDescribeLogDirsPartition({
          partitionIndex: log.partition,
          partitionSize: BigInt(log.sizeBytes),
          offsetLag: 0n,
          isFutureKey: false,
        }),
      );
    }
    const topics = [...byTopic.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, partitions]) =>
        DescribeLogDirsResponse.createDescribeLogDirsTopic({
          name,
          partitions: partitions.sort((a, b) => a.partitionIndex - b.partitionIndex),
        }),
      );
    const disk = diskSpace(logDir);
    return DescribeLogDirsResponse.create({
      errorCode: 0,
      results: [
        DescribeLogDirsResponse.createDescribeLogDirsResult({
          errorCode: 0,
          logDir: resolve(logDir),
          topics,
          totalBytes: disk.totalBytes,
          usableBytes: disk.usableBytes,
        }),
      ],
    });
  },
};

function diskSpace(dir: string): { totalBytes: bigint; usableBytes: bigint } {
  try {
    const s = statfsSync(dir, { bigint: true });
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
  } catch {
    return { totalBytes: -1n, usableBytes: -1n };
  }
}
