import { useRef, useState } from 'react';
import { DEFAULT_STATE, queryIdentityOf, useUrlState } from '../state/url-state';
import { useTimeRange } from '../state/use-time-range';
import { FileOpener } from '../views/FileOpener';
import { FileDiffBar, FileWelcome, type LinkedFiles, linkedSlot } from '../views/FileMode';
import { LoadProgress } from '../views/LoadProgress';
import { TargetsPage } from '../views/TargetsPage';
import { Explorer } from '../views/explore/Explorer';
import { ProfileViews } from './ProfileViews';
import { ThemeToggle, useTheme } from './theme';
import { useProfile } from './use-profile';

/** Settings of the views that belong to one profile and are reset when another one opens. */
const PER_PROFILE = {
  si: DEFAULT_STATE.si,
  zoom: DEFAULT_STATE.zoom,
  fn: DEFAULT_STATE.fn,
  sandwich: DEFAULT_STATE.sandwich,
};

/** The app: the URL says what to show; the profile it asks for is loaded and shown in every view. */
export function App() {
  const [state, setState] = useUrlState();
  const theme = useTheme();
  const time = useTimeRange(state.from, state.to, state.refresh, queryIdentityOf(state));
  const load = useProfile(state, time.range);
  const fileInput = useRef<HTMLInputElement>(null);

  // A link to local files (file mode, naming files this page does not hold): the files are
  // asked for one after the other, and the link's screen is kept once they have opened.
  const linkKey = JSON.stringify([state.file, state.diff && state.bfile]);
  const [picked, setPicked] = useState<{ linkKey: string } & LinkedFiles['picked']>();
  const held = load.files;
  const holdsLinked = held?.next.name === state.file && (!state.diff || held.base?.name === state.bfile);
  const link: LinkedFiles | undefined =
    state.mode === 'file' && state.file && !holdsLinked
      ? {
          next: state.file,
          base: state.diff ? state.bfile : undefined,
          picked: {
            // A comparison held already counts (a diff's baseline alone is missing).
            next:
              (picked?.linkKey === linkKey ? picked.next : undefined) ?? (held?.next.name === state.file ? held.next : undefined),
            base: picked?.linkKey === linkKey ? picked.base : undefined,
          },
        }
      : undefined;

  // Files become the page's (and the URL names them) once they have opened.
  const openNew = (next: File) =>
    load.openFiles({ next }, () => setState({ mode: 'file', file: next.name, diff: false, bfile: '', ...PER_PROFILE }));
  // A file the link names fills its place; once all are there they open, under the link's URL.
  // Any other file opens as a new profile.
  const openFile = (file: File) => {
    const slot = link && linkedSlot(file, link);
    if (!link || !slot) return openNew(file);
    const got = { ...link.picked, [slot]: file };
    if (got.next && (link.base === undefined || got.base)) {
      setPicked(undefined); // should they fail to open, the link asks for its files again
      load.openFiles({ next: got.next, base: got.base }, () => undefined);
    } else setPicked({ linkKey, ...got });
  };
  const openBaseline = (base: File) => {
    const next = load.files?.next;
    if (next)
      load.openFiles({ next, base }, () =>
        setState({ mode: 'file', file: next.name, diff: true, bfile: base.name, ...PER_PROFILE }),
      );
  };

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
        <FileOpener onFile={openFile} input={fileInput} />
        <span className="spacer" />
        <ThemeToggle theme={theme} />
      </header>
      {load.error && (
        <div className="error" role="alert" data-testid="error">
          <span>{load.error}</span>
          <button type="button" onClick={load.dismissError} aria-label="Dismiss error">
            Dismiss
          </button>
        </div>
      )}
      {state.mode === 'explore' && <Explorer state={state} setState={setState} range={time.range} onRefresh={time.refresh} />}
      {state.mode === 'file' && load.profile && (
        <FileDiffBar
          state={state}
          diff={state.diff}
          baseName={state.bfile}
          nextName={state.file}
          onBaseline={openBaseline}
          onStop={() => load.files && openNew(load.files.next)}
        />
      )}
      {load.progress && <LoadProgress progress={load.progress} />}
      <main className="main">
        {state.mode === 'targets' ? (
          <TargetsPage />
        ) : load.profile ? (
          <ProfileViews profile={load.profile} state={state} setState={setState} dark={theme.dark} />
        ) : (
          state.mode === 'file' && !load.wanted && <FileWelcome link={link} onOpen={() => fileInput.current?.click()} />
        )}
      </main>
    </div>
  );
}
