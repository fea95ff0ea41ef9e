import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { WorkerError, profileWorker } from '../worker/client';
import type { Args, Result } from '../worker/protocol';

/** What the views ask the profile worker about the open profile. */
export type ViewKind = 'top' | 'flame' | 'inverted' | 'sandwich' | 'graph' | 'tree-report' | 'tags' | 'source';

/**
 * A view of the open profile from the profile worker, or nothing while `args` is undefined. Keyed
 * by kind and arguments (which name the profile): an answer no longer wanted is ignored, the
 * previous one stays on screen until the next comes, and none is kept once no view shows it
 * (a large flame graph is hundreds of MB).
 */
export function useWorkerQuery<K extends ViewKind>(kind: K, args: Args<K> | undefined): { data?: Result<K>; error?: Error } {
  const query = useQuery({
    queryKey: ['worker', kind, args],
    queryFn: ({ signal }) => profileWorker().call(kind, args!, { signal }),
    enabled: args !== undefined,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
  if (!args) return {};
  // About a profile that another replaced meanwhile: the new one's views are on their way.
  const superseded = query.error instanceof WorkerError && query.error.kind === 'superseded';
  return { data: query.data, error: superseded ? undefined : (query.error ?? undefined) };
}
