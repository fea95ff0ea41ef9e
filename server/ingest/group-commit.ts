// Group commit: ingest requests that arrive while a write is running are written together, in one
// transaction (one fsync), when it ends; each request is answered once that transaction commits.
// A request is still stored all or nothing and fails only for itself: when a group's transaction
// fails, its requests are written again one by one, in arrival order, as they would have been
// without grouping (so a limit one request hits, or the series the group creates together, give
// each request the outcome it would have had alone).
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { IngestItem } from '../storage/store';

/** The store's side: one all-or-nothing, durable write of a tenant's items. */
export interface IngestTarget {
  ingest(tenant: string, items: IngestItem[]): Promise<number>;
}

interface Pending {
  tenant: string;
  items: IngestItem[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Profiles one grouped transaction takes at most (a request larger than this is written alone). */
export const MAX_GROUP_ITEMS = 256;

export class GroupCommit {
  private queue: Pending[] = [];
  private running = false;
  /** Transactions begun and requests stored (for tests). */
  readonly stats = { transactions: 0, requests: 0 };

  constructor(
    private readonly store: IngestTarget,
    private readonly maxItems = MAX_GROUP_ITEMS,
  ) {}

  /** Resolves once the items are committed; rejects with this request's own error only. */
  ingest(tenant: string, items: IngestItem[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ tenant, items, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      // A write blocks the event loop while SQLite commits: requests decoded meanwhile are queued
      // only once the loop turns, so it turns before each group is taken.
      while (this.queue.length > 0) {
        await nextTurn();
        await this.write(this.takeGroup());
      }
    } finally {
      this.running = false;
    }
  }

  /** The oldest request and the later ones of its tenant, in order, up to maxItems profiles. */
  private takeGroup(): Pending[] {
    const first = this.queue[0]!;
    const group: Pending[] = [];
    const rest: Pending[] = [];
    let n = 0;
    for (const p of this.queue) {
      if (p.tenant === first.tenant && (group.length === 0 || n + p.items.length <= this.maxItems)) {
        group.push(p);
        n += p.items.length;
      } else rest.push(p);
    }
    this.queue = rest;
    return group;
  }

  private async write(group: Pending[]): Promise<void> {
    if (group.length > 1) {
      try {
        this.stats.transactions++;
        await this.store.ingest(
          group[0]!.tenant,
          group.flatMap((p) => p.items),
        );
        this.stats.requests += group.length;
        for (const p of group) p.resolve();
        return;
      } catch {
        // Fall through: each request alone, so that only the failing one fails.
      }
    }
    for (const p of group) {
      try {
        this.stats.transactions++;
        await this.store.ingest(p.tenant, p.items);
        this.stats.requests++;
        p.resolve();
      } catch (e) {
        p.reject(e);
      }
    }
  }
}
