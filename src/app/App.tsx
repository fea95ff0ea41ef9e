import { useCallback, useEffect, useRef, useState } from 'react';
import { GRANULARITIES, type Granularity } from '../profile/nodes';
import { ProfileWorkerClient } from '../worker/client';
import type { LoadProgressMessage, OpenResult, TopColumns } from '../worker/protocol';
import { FileOpener } from '../views/FileOpener';
import { ProfileFacts } from '../views/ProfileFacts';
import { TopTable, type TopSortKey } from '../views/TopTable';
import { LoadProgress } from '../views/LoadProgress';
import { DEFAULT_FLAME_SETTINGS, type FlameSettings, FlameGraphView } from '../views/flame/FlameGraphView';
import { ThemeToggle, useTheme } from './theme';

export type ViewMode = 'top' | 'flame' | 'both';
const VIEWS: [ViewMode, string][] = [
  ['top', 'Top table'],
  ['flame', 'Flame graph'],
  ['both', 'Both'],
];

/** `?maxmb=N` lowers (or raises) the 1 GiB decompression limit for one profile. */
function decompressionLimit(): number | undefined {
  const v = Number(new URLSearchParams(window.location.search).get('maxmb'));
  return Number.isFinite(v) && v > 0 ? v * 1024 * 1024 : undefined;
}

export function App() {
  const client = useRef<ProfileWorkerClient | null>(null);
  const getClient = () => (client.current ??= new ProfileWorkerClient());
  useEffect(() => () => client.current?.terminate(), []);

  const [profile, setProfile] = useState<OpenResult | null>(null);
  const [progress, setProgress] = useState<LoadProgressMessage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sampleIndex, setSampleIndex] = useState(0);
  const [granularity, setGranularity] = useState<Granularity>('functions');
  const [top, setTop] = useState<TopColumns | null>(null);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: TopSortKey; ascending: boolean }>({ key: 'flat', ascending: false });
  const openSeq = useRef(0);
  const [profileKey, setProfileKey] = useState(0);
  const [view, setView] = useState<ViewMode>('both');
  const [flame, setFlame] = useState<FlameSettings>(DEFAULT_FLAME_SETTINGS);
  const [selectedName, setSelectedName] = useState<string | null>(null);
  const [hoveredName, setHoveredName] = useState<string | null>(null);
  const theme = useTheme();

  const openFile = useCallback((file: File) => {
    const seq = ++openSeq.current;
    setError(null);
    setProgress({ id: 0, type: 'progress', phase: 'reading', done: 0, total: file.size });
    getClient()
      .open(file, file.name, {
        maxDecompressedBytes: decompressionLimit(),
        onProgress: (p) => seq === openSeq.current && setProgress(p),
      })
      .then((result) => {
        if (seq !== openSeq.current) return;
        setProfile(result);
        setProfileKey((k) => k + 1);
        setSampleIndex(result.summary.defaultSampleIndex);
        setTop(null);
        setFlame(DEFAULT_FLAME_SETTINGS);
        setSelectedName(null);
      })
      .catch((e: unknown) => {
        if (seq !== openSeq.current) return;
        setError(`Could not open ${file.name}: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => seq === openSeq.current && setProgress(null));
  }, []);

  useEffect(() => {
    if (!profile) return;
    let current = true;
    getClient()
      .top(sampleIndex, granularity)
      .then((t) => current && setTop(t))
      .catch((e: unknown) => current && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      current = false;
    };
  }, [profile, sampleIndex, granularity]);

  return (
    <div className="app">
      <header className="toolbar">
        <span className="brand">Flamelens</span>
        <FileOpener onFile={openFile} />
        {profile && (
          <>
            <label>
              Sample
              <select
                data-testid="sample-type"
                value={sampleIndex}
                onChange={(e) => setSampleIndex(Number(e.target.value))}
              >
                {profile.summary.sampleTypes.map((t, i) => (
                  <option key={i} value={i}>
                    {t.type}/{t.unit}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Granularity
              <select
                data-testid="granularity"
                value={granularity}
                onChange={(e) => setGranularity(e.target.value as Granularity)}
              >
                {GRANULARITIES.map((g) => (
                  <option key={g} value={g}>
                    {g}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        {profile && (
          <span className="view-tabs" role="group" aria-label="View">
            {VIEWS.map(([v, label]) => (
              <button
                key={v}
                type="button"
                data-testid={`view-${v}`}
                aria-pressed={view === v}
                onClick={() => setView(v)}
              >
                {label}
              </button>
            ))}
          </span>
        )}
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
      {progress && <LoadProgress progress={progress} />}
      {profile && <ProfileFacts name={profile.name} summary={profile.summary} sampleIndex={sampleIndex} />}
      <main className="main">
        {profile ? (
          <div className={view === 'both' ? 'both' : 'main'}>
            {view !== 'flame' && top && (
              <TopTable
                top={top}
                filter={filter}
                onFilterChange={setFilter}
                sort={sort.key}
                ascending={sort.ascending}
                onSortChange={(key, ascending) => setSort({ key, ascending })}
                selectedName={selectedName}
                onRowClick={(name) => setSelectedName(name === selectedName ? null : name)}
                onRowHover={setHoveredName}
              />
            )}
            {view !== 'top' && (
              <FlameGraphView
                client={getClient()}
                profileKey={profileKey}
                profileName={profile.name}
                sampleIndex={sampleIndex}
                granularity={granularity}
                settings={flame}
                onSettings={setFlame}
                dark={theme.dark}
                selectedName={hoveredName ?? selectedName}
                onSelectName={setSelectedName}
              />
            )}
          </div>
        ) : (
          !progress && (
            <div className="welcome" data-testid="welcome">
              <h1>Open a pprof profile</h1>
              <p>
                Choose a <code>.pb.gz</code> or raw <code>.pb</code> pprof file, or drop it anywhere on this page.
                It is read in your browser and never uploaded.
              </p>
            </div>
          )
        )}
      </main>
    </div>
  );
}
