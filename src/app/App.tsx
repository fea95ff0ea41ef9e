import { useCallback, useEffect, useRef, useState } from 'react';
import { DEFAULT_STATE, useUrlState } from '../state/url-state';
import { ProfileWorkerClient } from '../worker/client';
import type { LoadProgressMessage, OpenResult } from '../worker/protocol';
import { FileOpener } from '../views/FileOpener';
import { LoadProgress } from '../views/LoadProgress';
import { Explorer, type MergedProfile } from '../views/explore/Explorer';
import { ProfileViews } from './ProfileViews';
import { ThemeToggle, useTheme } from './theme';

/** `?maxmb=N` in the URL the page was opened with sets the 1 GiB decompression limit to N MiB. */
const MAX_DECOMPRESSED = (() => {
  const v = Number(new URLSearchParams(window.location.search).get('maxmb'));
  return Number.isFinite(v) && v > 0 ? v * 1024 * 1024 : undefined;
})();
const decompressionLimit = () => MAX_DECOMPRESSED;

/** Where the profile in the worker came from: a file, or a backend query (by its key). */
type Origin = { kind: 'file'; name: string } | { kind: 'explore'; key: string };

/** Settings of the views that belong to one profile and are reset when another one opens. */
const PER_PROFILE = {
  si: DEFAULT_STATE.si,
  zoom: DEFAULT_STATE.zoom,
  fn: DEFAULT_STATE.fn,
  sandwich: DEFAULT_STATE.sandwich,
};

export function App() {
  const [state, setState] = useUrlState();
  const client = useRef<ProfileWorkerClient | null>(null);
  const getClient = () => (client.current ??= new ProfileWorkerClient());
  useEffect(() => () => client.current?.terminate(), []);
  const theme = useTheme();

  const [profile, setProfile] = useState<OpenResult | null>(null);
  const [origin, setOrigin] = useState<Origin | null>(null);
  const [profileKey, setProfileKey] = useState(0);
  const [progress, setProgress] = useState<LoadProgressMessage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const openSeq = useRef(0);

  const load = useCallback(
    (source: Blob | ArrayBuffer, name: string, nextOrigin: Origin, onLoaded?: () => void) => {
      const seq = ++openSeq.current;
      setError(null);
      const size = source instanceof Blob ? source.size : source.byteLength;
      setProgress({ id: 0, type: 'progress', phase: 'reading', done: 0, total: size });
      getClient()
        .open(source, name, {
          maxDecompressedBytes: decompressionLimit(),
          onProgress: (p) => seq === openSeq.current && setProgress(p),
        })
        .then((result) => {
          if (seq !== openSeq.current) return;
          setProfile(result);
          setOrigin(nextOrigin);
          setProfileKey((k) => k + 1);
          onLoaded?.();
        })
        .catch((e: unknown) => {
          if (seq !== openSeq.current) return;
          setError(`Could not open ${name}: ${e instanceof Error ? e.message : String(e)}`);
        })
        .finally(() => seq === openSeq.current && setProgress(null));
    },
    [],
  );

  // While a file opens, a backend answer arriving meanwhile must not replace it.
  const fileOpening = useRef(false);
  const openFile = useCallback(
    (file: File) => {
      fileOpening.current = true;
      load(file, file.name, { kind: 'file', name: file.name }, () =>
        setState({ mode: 'file', file: file.name, ...PER_PROFILE }),
      );
    },
    [load, setState],
  );
  useEffect(() => {
    if (!progress) fileOpening.current = false;
  }, [progress]);

  const onMerged = useCallback(
    (m: MergedProfile) => {
      if (!fileOpening.current) load(m.bytes, m.name, { kind: 'explore', key: m.key });
    },
    [load],
  );

  const showing =
    profile &&
    origin &&
    ((state.mode === 'file' && origin.kind === 'file' && origin.name === state.file) ||
      (state.mode === 'explore' && origin.kind === 'explore'));

  return (
    <div className="app">
      <header className="toolbar">
        <span className="brand">Flamelens</span>
        <span className="view-tabs" role="group" aria-label="Source">
          <button
            type="button"
            data-testid="mode-explore"
            aria-pressed={state.mode === 'explore'}
            onClick={() => setState({ mode: 'explore', ...PER_PROFILE })}
          >
            Explore
          </button>
          <button
            type="button"
            data-testid="mode-file"
            aria-pressed={state.mode === 'file'}
            onClick={() => setState({ mode: 'file', ...PER_PROFILE })}
          >
            File
          </button>
        </span>
        <FileOpener onFile={openFile} />
        <span className="spacer" />
        <ThemeToggle theme={theme} />
      </header>
      {error && (
        <div className="error" role="alert" data-testid="error">
          <span>{error}</span>
          <button type="button" onClick={() => setError(null)} aria-label="Dismiss error">
            Dismiss
          </button>
        </div>
      )}
      {state.mode === 'explore' && <Explorer state={state} setState={setState} onProfile={onMerged} />}
      {progress && <LoadProgress progress={progress} />}
      <main className="main">
        {showing ? (
          <ProfileViews
            client={getClient()}
            profile={profile}
            profileKey={profileKey}
            state={state}
            setState={setState}
            dark={theme.dark}
          />
        ) : (
          state.mode === 'file' &&
          !progress && (
            <div className="welcome" data-testid="welcome">
              {state.file ? (
                <>
                  <h1>Open {state.file} to see this view</h1>
                  <p data-testid="local-file-note">
                    This link refers to a local file, <strong>{state.file}</strong>. Files are read in the browser and
                    never uploaded, so a link cannot bring the file along: open the same file here and the rest of the
                    screen (view, sample type, filters, zoom) is restored from the link.
                  </p>
                </>
              ) : (
                <>
                  <h1>Open a pprof profile</h1>
                  <p>
                    Choose a <code>.pb.gz</code> or raw <code>.pb</code> pprof file, or drop it anywhere on this page. It
                    is read in your browser and never uploaded.
                  </p>
                </>
              )}
            </div>
          )
        )}
      </main>
    </div>
  );
}
