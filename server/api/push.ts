// push.v1.PusherService/Push: labelled series of raw pprof profiles, stored all or nothing.
// Profiles are decoded one after another in the worker pool, sharing the request's budget of
// decompressed bytes, then stored in one transaction.
import type { ServiceImpl } from '@connectrpc/connect';
import type { PusherService } from '../../src/api/gen/push/v1/push_pb';
import { ClientError } from '../errors';
import type { DecodePool } from '../ingest/pool';
import { overLimit, type Limits } from '../limits';
import type { GroupCommit } from '../ingest/group-commit';
import type { IngestItem } from '../storage/store';
import { tenantOf } from './querier';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export interface PushContext {
  /** Writes a request's profiles all or nothing, durably (grouped with concurrent requests). */
  writer: GroupCommit;
  pool: DecodePool;
  limits: Limits;
  /** Throws ClientError for a profile time outside retention or too far in the future. */
  checkTime: (timeMs: number) => void;
}

export function createPusher({ writer, pool, limits, checkTime }: PushContext): ServiceImpl<typeof PusherService> {
  return {
    async push(req, ctx) {
      const tenant = tenantOf(ctx);
      const items: IngestItem[] = [];
      let budget = limits.maxDecompressedBytes;
      for (const [i, series] of req.series.entries()) {
        const labels: Record<string, string> = {};
        let metricName: string | undefined;
        if (series.labels.length > limits.maxLabelsPerSeries)
          throw overLimit('maxLabelsPerSeries', limits, `series ${i} has ${series.labels.length} labels`);
        for (const { name: raw, value } of series.labels) {
          const name = raw.replace(/\./g, '_');
          if (name.length > limits.maxLabelNameLength)
            throw overLimit('maxLabelNameLength', limits, `series ${i}: a label name has ${name.length} characters`);
          if (!LABEL_NAME.test(name)) throw new ClientError(400, `series ${i}: invalid label name ${JSON.stringify(raw)}`);
          if (value.length > limits.maxLabelValueLength)
            throw overLimit(
              'maxLabelValueLength',
              limits,
              `series ${i}: the value of label ${name} has ${value.length} characters`,
            );
          if (name in labels || (name === '__name__' && metricName !== undefined))
            throw new ClientError(400, `series ${i}: duplicate label ${name}`);
          if (name === '__name__') metricName = value;
          else if (!name.startsWith('__')) labels[name] = value;
        }
        if (!labels.service_name) labels.service_name = 'unknown_service';
        for (const [j, sample] of series.samples.entries()) {
          let decoded;
          try {
            decoded = await pool.decode({ bytes: sample.rawProfile, budget, metricName });
          } catch (e) {
            if (e instanceof ClientError) throw new ClientError(e.status, `series ${i} sample ${j}: ${e.message}`);
            throw e;
          }
          budget -= decoded.decompressedBytes;
          const profile = decoded.profile!;
          const timeMs = profile.timeNanos > 0 ? Math.floor(profile.timeNanos / 1e6) : Date.now();
          checkTime(timeMs);
          items.push({ profile, labels, timeMs });
        }
      }
      await writer.ingest(tenant, items);
      return {};
    },
  };
}
