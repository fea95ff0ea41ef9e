import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { ApiError } from '../api/querier';
import { retryBackend } from '../state/backend';
import { type HeldFiles, type ProfileRequest, profileRequestOf, requestKey, requestName } from '../state/profile-request';
import type { TimeRange } from '../state/time-range';
import type { UrlState } from '../state/url-state';
import { useThrottledState } from '../state/use-throttled-state';
import type { Progress } from '../views/LoadProgress';
import { WorkerError } from '../worker/client';
import { type LoadedProfile, profileLoader } from './load-profile';

type Track = <T>(load: (onProgress: (p: Progress) => void) => Promise<T>) => Promise<T>;

/**
 * The progress of the latest load, shown at once and then at most every 100 ms, so that the
 * page's renders do not compete with the worker for the machine's cores.
 */
function useLoadProgress(): [Progress | null, Track] {
  const [progress, setNow, setSoon] = useThrottledState<Progress | null>(null, 100);
  // The number of the latest load: a load that is no longer the latest reports nothing.
  const latest = useRef(0);
  // The setters and `latest` live as long as the component, and so does `track`.
  const track: Track = useCallback(
    async (load) => {
      const mine = ++latest.current;
      let first = true;
      try {
        return await load((p) => {
          if (mine !== latest.current) return;
          (first ? setNow : setSoon)(p);
          first = false;
        });
      } finally {
        if (mine === latest.current) setNow(null);
      }
    },
    [setNow, setSoon],
  );
  return [progress, track];
}

/** Why the last load failed, for the person; nothing when it only gave way to a later one. */
function failure(e: unknown, name: string): string | undefined {
  if (!e || (e instanceof WorkerError && e.kind === 'superseded')) return undefined;
  if (e instanceof ApiError) return e.needsTenant ? undefined : `Backend error: ${e.message}`; // the explorer asks for a tenant
  return `Could not open ${name}: ${e instanceof Error ? e.message : String(e)}`;
}

export interface ProfileLoad {
  /** The profile to show in this mode; the previous one stays while the next loads or if it fails. */
  profile?: LoadedProfile;
  /** Whether a profile is asked for (it may be loading, or have failed). */
  wanted: boolean;
  progress: Progress | null;
  /** Why the last load failed, until dismissed. */
  error?: string;
  dismissError(): void;
  /** The files this page holds (opened by the person; a link cannot bring them). */
  files?: HeldFiles;
  /** Opens files the person picked; once they are open they are the page's files, and `then` runs. */
  openFiles(files: HeldFiles, then: () => void): void;
}

/**
 * The loading pipeline: URL state → ProfileRequest → its bytes (fetched from the backend for a
 * query) → opened by the profile worker, on react-query, keyed by the request. Files the person
 * picks open first and become the page's files only once they have opened, so that a file that
 * cannot be opened changes nothing but the error shown.
 */
export function useProfile(state: UrlState, range: TimeRange): ProfileLoad {
  const [progress, track] = useLoadProgress();
  const [files, setFiles] = useState<HeldFiles>();
  const load = (request: ProfileRequest, signal?: AbortSignal) =>
    track((onProgress) => profileLoader().load(request, { signal, onProgress }));

  const asked = profileRequestOf(state, range, files);
  const askedKey = asked && requestKey(asked);
  // `during`: what the screen asked for when the files were picked.
  const pick = useMutation({
    mutationFn: (p: { files: HeldFiles; during: string | null }) => load({ kind: 'file', ...p.files }),
  });
  // While picked files open, nothing else does (the worker holds one profile).
  const request = pick.isPending ? null : asked;
  const query = useQuery({
    queryKey: ['profile', request && askedKey],
    queryFn: async ({ signal }) => ({ kind: request!.kind, opened: await load(request!, signal) }),
    enabled: request !== null,
    placeholderData: keepPreviousData,
    // The worker holds one profile: an answer is kept only while it is the one asked for.
    staleTime: Infinity,
    gcTime: 0,
    retry: (count, e) => !(e instanceof WorkerError) && retryBackend(count, e),
  });

  // A file profile in file mode, a query's in the explorer.
  const kind = state.mode === 'file' ? 'file' : 'query';
  const profile = query.data && query.data.kind === kind ? query.data.opened : undefined;
  // The failure of the last pick (until the screen asks for something else), else of the load
  // asked for; shown until dismissed.
  const [dismissed, setDismissed] = useState<unknown>();
  const picked = pick.variables?.during === askedKey ? pick.variables.files : undefined;
  const pickText = picked && failure(pick.error, requestName({ kind: 'file', ...picked }));
  const error = pickText ? pick.error : query.error;
  const text = pickText ?? (request ? failure(query.error, requestName(request)) : undefined);
  return {
    profile,
    wanted: request !== null || pick.isPending,
    progress,
    error: error !== dismissed ? text : undefined,
    dismissError: () => setDismissed(error),
    files,
    openFiles: (next, then) =>
      pick.mutate(
        { files: next, during: askedKey },
        {
          onSuccess: () => {
            setFiles(next);
            then();
          },
        },
      ),
  };
}
