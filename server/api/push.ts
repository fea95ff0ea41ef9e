// push.v1.PusherService/Push: labelled series of raw pprof profiles, stored all or nothing.
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import type { PusherService } from '../../src/api/gen/push/v1/push_pb';
import { decodePprof, IngestError } from '../ingest/pprof';
import type { IngestItem, ProfileStore } from '../storage/store';
import { tenantOf } from './querier';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function createPusher(store: ProfileStore, checkTime: (timeMs: number) => void): ServiceImpl<typeof PusherService> {
  return {
    push(req, ctx) {
      const tenant = tenantOf(ctx);
      const items: IngestItem[] = [];
      try {
        req.series.forEach((series, i) => {
          const labels: Record<string, string> = {};
          let metricName: string | undefined;
          if (series.labels.length > 30) throw new IngestError(`series ${i}: more than 30 labels`);
          for (const { name: raw, value } of series.labels) {
            const name = raw.replace(/\./g, '_');
            if (!LABEL_NAME.test(name) || name.length > 1024) throw new IngestError(`series ${i}: invalid label name ${JSON.stringify(raw)}`);
            if (value.length > 2048) throw new IngestError(`series ${i}: label ${name} value longer than 2048 characters`);
            if (name in labels || (name === '__name__' && metricName !== undefined)) throw new IngestError(`series ${i}: duplicate label ${name}`);
            if (name === '__name__') metricName = value;
            else if (!name.startsWith('__')) labels[name] = value;
          }
          if (!labels.service_name) labels.service_name = 'unknown_service';
          series.samples.forEach((sample, j) => {
            let profile;
            try {
              profile = decodePprof(sample.rawProfile);
            } catch (e) {
              throw new IngestError(`series ${i} sample ${j}: ${(e as Error).message}`);
            }
            const timeNanos = BigInt(profile.timeNanos ?? 0);
            const timeMs = timeNanos > 0n ? Number(timeNanos / 1_000_000n) : Date.now();
            checkTime(timeMs);
            items.push({ profile, labels, timeMs, metricName });
          });
        });
        store.ingest(tenant, items);
      } catch (e) {
        if (e instanceof IngestError) throw new ConnectError(e.message, Code.InvalidArgument);
        throw e;
      }
      return {};
    },
  };
}
