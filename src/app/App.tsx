import { useCallback, useEffect, useRef, useState } from 'react';
import { DEFAULT_STATE, useUrlState } from '../state/url-state';
import { profileWorker } from '../worker/client';
import type { OpenResult } from '../worker/protocol';
import { FileOpener } from '../views/FileOpener';
import { LoadProgress, type Progress } from '../views/LoadProgress';
import { useThrottledState } from '../state/use-throttled-state';
import { Explorer, type MergedDiff, type MergedProfile } from '../views/explore/Explorer';
import { ProfileViews } from './ProfileViews';
import { ThemeToggle, useTheme } from './theme';
import { TargetsPage } from '../views/TargetsPage';

/** `?maxmb=N` sets the 1 GiB decompression limit for one profile to N MiB. */
function decompressionLimit(): number | undefined {
  const v = Number(new URLSearchParams(window.location.search).get('maxmb'));
  return Number.isFinite(v) && v > 0 ? v * 1024 * 1024 : undefined;
}

/** Where the profile in the worker came from: a file, a backend query (by its key), or a diff of two. */
type Origin =
  | { kind: 'file'; name: string }
  | { kind: 'explore'; key: string }
  | { kind: 'file-diff'; base: string; next: string }
  | { kind: 'explore-diff'; key: string };

/** Settings of the views that belong to one profile and are reset when another one opens. */
const PER_PROFILE = {
  si: DEFAULT_STATE.si,
  zoom: DEFAULT_STATE.zoom,
  fn: DEFAULT_STATE.fn,
  sandwich: DEFAULT_STATE.sandwich,
};

/** In file mode: compare the open file with a baseline file, or stop comparing. */
function FileDiffBar(p: {
  diff: boolean;
  baseName: string;
  nextName: string;
  onBaseline: (f: File) => void;
  onStop: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="diff-sides" data-testid="file-diff-bar">
      {p.diff ? (
        <>
          <span data-testid="diff-description">
            Comparing <strong>{p.nextName}</strong> with the baseline <strong>{p.baseName}</strong>
          </span>
          <button type="button" data-testid="stop-diff" onClick={p.onStop}>
            Stop comparing
          </button>
        </>
      ) : (
        <button type="button" data-testid="compare-file" onClick={() => input.current?.click()}>
          Compare with a baseline file…
        </button>
      )}
      <input
        ref={input}
        className="visually-hidden"
        type="file"
        data-testid="baseline-file-input"
        aria-label="Open a baseline profile to compare with"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) p.onBaseline(f);
        }}
      />
    </div>
  );
}

export function App() {
  const [state, setState] = useUrlState();
  const client = profileWorker();
  const theme = useTheme();

  const [profile, setProfile] = useState<OpenResult | null>(null);
  const [origin, setOrigin] = useState<Origin | null>(null);
  const [profileKey, setProfileKey] = useState(0);
  // The worker's progress messages, shown at most every 100 ms: a small file's two or three
  // messages re-rendered the app (about 6 ms each) while the worker opened it, on two cores.
  const [progress, setProgress, setProgressSoon] = useThrottledState<Progress | null>(null, 100);
  const [error, setError] = useState<string | null>(null);
  const openSeq = useRef(0);

  type Source = Blob | ArrayBuffer;
  const load = useCallback(
    (
      source: Source | { base: { source: Source; name: string }; next: { source: Source; name: string } },
      name: string,
      nextOrigin: Origin,
      onLoaded?: () => void,
    ) => {
      const seq = ++openSeq.current;
      setError(null);
      const sizeOf = (x: Source) => (x instanceof Blob ? x.size : x.byteLength);
      const diff = !(source instanceof Blob || source instanceof ArrayBuffer);
      const size = diff ? sizeOf(source.base.source) + sizeOf(source.next.source) : sizeOf(source);
      setProgress({ phase: 'reading', done: 0, total: size });
      const maxDecompressedBytes = decompressionLimit();
      const opts = { onProgress: (p: Progress) => seq === openSeq.current && setProgressSoon(p) };
      performance.mark('flamelens:page:open'); // see the worker's marks
      (diff
        ? client.openDiff(source.base, source.next, maxDecompressedBytes, opts)
        : client.call('open', { source, name, maxDecompressedBytes }, opts)
      )
        .then((result) => {
          performance.mark('flamelens:page:opened');
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
  // The files open in this page (a link cannot bring them back).
  const files = useRef<{ next?: File; base?: File }>({});
  const openFile = useCallback(
    (file: File) => {
      fileOpening.current = true;
      load(file, file.name, { kind: 'file', name: file.name }, () => {
        files.current = { next: file };
        setState({ mode: 'file', file: file.name, diff: false, bfile: '', ...PER_PROFILE });
      });
    },
    [load, setState],
  );
  const openBaselineFile = useCallback(
    (base: File) => {
      const next = files.current.next;
      if (!next) return;
      fileOpening.current = true;
      load(
        { base: { source: base, name: base.name }, next: { source: next, name: next.name } },
        `${next.name} vs ${base.name}`,
        { kind: 'file-diff', base: base.name, next: next.name },
        () => {
          files.current = { next, base };
          setState({ mode: 'file', file: next.name, diff: true, bfile: base.name, ...PER_PROFILE });
        },
      );
    },
    [load, setState],
  );
  const stopFileDiff = useCallback(() => {
    const next = files.current.next;
    if (next) openFile(next);
  }, [openFile]);
  const onMergedDiff = useCallback(
    (d: MergedDiff) => {
      if (fileOpening.current) return;
      load(
        { base: { source: d.base.bytes, name: d.base.name }, next: { source: d.next.bytes, name: d.next.name } },
        `${d.next.name} vs ${d.base.name}`,
        { kind: 'explore-diff', key: d.key },
      );
    },
    [load],
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
    (state.mode === 'file'
      ? state.diff
        ? origin.kind === 'file-diff' && origin.next === state.file && origin.base === state.bfile
        : origin.kind === 'file' && origin.name === state.file
      : state.diff
        ? origin.kind === 'explore-diff'
        : origin.kind === 'explore');

  // Back in file mode (after exploring, or through history), reopen the files this page still
  // holds when the URL names them; the view settings in the URL stay as they are.
  const reopened = useRef('');
  useEffect(() => {
    if (state.mode !== 'file' || showing || progress) return;
    const { next, base } = files.current;
    if (!next || next.name !== state.file) return;
    const key = `${state.file}|${state.bfile}|${state.diff}|${profileKey}`;
    if (reopened.current === key) return; // tried already: do not loop on a failure
    reopened.current = key;
    if (state.diff && base && base.name === state.bfile) {
      load(
        { base: { source: base, name: base.name }, next: { source: next, name: next.name } },
        `${next.name} vs ${base.name}`,
        { kind: 'file-diff', base: base.name, next: next.name },
      );
    } else if (!state.diff) {
      load(next, next.name, { kind: 'file', name: next.name });
    }
  }, [state.mode, state.file, state.bfile, state.diff, showing, progress, load, profileKey]);

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
          <button
            type="button"
            data-testid="mode-targets"
            aria-pressed={state.mode === 'targets'}
            onClick={() => setState({ mode: 'targets' })}
          >
            Targets
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
      {state.mode === 'explore' && (
        <Explorer state={state} setState={setState} onProfile={onMerged} onDiff={onMergedDiff} />
      )}
      {state.mode === 'file' && showing && (
        <FileDiffBar
          diff={state.diff}
          baseName={state.bfile}
          nextName={state.file}
          onBaseline={openBaselineFile}
          onStop={stopFileDiff}
        />
      )}
      {progress && <LoadProgress progress={progress} />}
      <main className="main">
        {state.mode === 'targets' ? (
          <TargetsPage />
        ) : showing ? (
          <ProfileViews
            profile={profile}
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
                    This link refers to {state.diff ? 'local files' : 'a local file'}, <strong>{state.file}</strong>
                    {state.diff && (
                      <>
                        {' '}
                        compared with the baseline <strong>{state.bfile}</strong>
                      </>
                    )}
                    . Files are read in the browser and never uploaded, so a link cannot bring them along: open the
                    same {state.diff ? 'files' : 'file'} here and the rest of the screen (view, sample type, filters,
                    zoom) is restored from the link.
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
