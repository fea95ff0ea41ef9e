import { useEffect, useMemo, useRef, useState } from 'react';
import { compileSearch, searchFlameTree, type SearchQuery } from '../../profile/transforms/flame-search';
import { formatValue } from '../../profile/reports/format';
import type { Granularity } from '../../profile/model/nodes';
import { profileWorker } from '../../worker/client';
import type { FlameData } from '../../worker/protocol';
import { FlameGraphCanvas, finishDraw } from './FlameGraphCanvas';
import { FrameMenu } from './FrameMenu';
import { SandwichPanel } from './SandwichPanel';
import { type ColorMode, type DiffStyle, diffColor } from './flame-render';
import { downloadBlob, exportName } from '../download';
import type { FilterKind } from '../RefineBar';
import type { ViewFilters } from '../../worker/protocol';
import { useWorkerQuery } from '../use-worker-query';

export interface FlameSettings {
  /** Names of the frames from the root's child to the zoomed frame ([] = whole profile). */
  zoomPath: string[];
  search: SearchQuery;
  flip: boolean;
  colorMode: ColorMode;
  /** The function whose sandwich is shown, or null. */
  sandwich: string | null;
}

export const DEFAULT_FLAME_SETTINGS: FlameSettings = {
  zoomPath: [],
  search: { text: '', regex: false, caseSensitive: false },
  flip: false,
  colorMode: 'package',
  sandwich: null,
};

interface Props {
  profile: number;
  profileName: string;
  sampleIndex: number;
  granularity: Granularity;
  settings: FlameSettings;
  onSettings: (s: FlameSettings) => void;
  dark: boolean;
  /** A function highlighted from elsewhere (the table in the "both" layout). */
  selectedName?: string | null;
  onSelectName?: (name: string | null) => void;
  onHoverName?: (name: string | null) => void;
  /** Diff display options (used when the profile is a diff). */
  diffOptions?: DiffOptions;
  onDiffOptions?: (o: DiffOptions) => void;
  filters?: ViewFilters;
  /** Adds a refine filter on a function (from the frame menu). */
  onRefine?: (kind: FilterKind, name: string) => void;
  /** Opens the Source view on a frame's function (from the frame menu). */
  onShowSource?: (name: string) => void;
}

export interface DiffOptions {
  widthBy: 'comparison' | 'baseline';
  absolute: boolean;
  colorBlind: boolean;
}

function frameOfNames(data: FlameData, path: string[]): number {
  const t = data.tree;
  let f = 0;
  for (const name of path) {
    let next = -1;
    for (let c = f + 1; c < t.end[f]!; c = t.end[c]!) {
      if (data.names[t.node[c]!] === name) {
        next = c;
        break;
      }
    }
    if (next < 0) return 0;
    f = next;
  }
  return f;
}

function namesOfFrame(data: FlameData, frame: number): string[] {
  const out: string[] = [];
  for (let a = frame; a > 0; a = data.tree.parent[a]!) out.push(data.names[data.tree.node[a]!]!);
  return out.reverse();
}

/** The flame graph with its toolbar: search, zoom, sandwich, colors, orientation and exports. */
export function FlameGraphView(p: Props) {
  const { settings: s, onSettings } = p;
  const { profile, sampleIndex, granularity, filters } = p;
  const widthBy = p.diffOptions?.widthBy ?? 'comparison';
  const flame = useWorkerQuery('flame', { profile, sampleIndex, granularity, widthBy, filters });
  const data = flame.data;
  const diffStyle: DiffStyle | undefined = useMemo(
    () =>
      data?.diff && {
        widthBy: data.diff.widthBy,
        baseTotal: data.diff.baseTotal,
        nextTotal: data.diff.nextTotal,
        absolute: p.diffOptions?.absolute ?? false,
        colorBlind: p.diffOptions?.colorBlind ?? false,
      },
    [data, p.diffOptions?.absolute, p.diffOptions?.colorBlind],
  );
  const searchInput = useRef<HTMLInputElement>(null);
  /** The focusable view: the flame graph's scroll area, or the sandwich's. */
  const viewRef = useRef<HTMLDivElement>(null);
  /** Set when the keyboard should go (back) to the view after this render. */
  const refocus = useRef(false);
  const exportMenu = useRef<HTMLDetailsElement>(null);
  const [focusFrame, setFocusFrame] = useState<number | undefined>(undefined);
  const [menu, setMenu] = useState<{ frame: number; x: number; y: number } | null>(null);

  const zoom = data ? frameOfNames(data, s.zoomPath) : 0;
  // Compiled once per search, so that `re` changes only with it.
  const { text: searchText, regex: searchRegex, caseSensitive: searchCase } = s.search;
  const { re, error: searchError } = useMemo(
    () => compileSearch({ text: searchText, regex: searchRegex, caseSensitive: searchCase }),
    [searchText, searchRegex, searchCase],
  );
  const search = useMemo(() => (data && re ? searchFlameTree(data.tree, data.names, re) : undefined), [data, re]);
  const selectedNode = useMemo(() => {
    if (!data || !p.selectedName) return undefined;
    const i = data.names.indexOf(p.selectedName);
    return i >= 0 ? i : undefined;
  }, [data, p.selectedName]);

  const set = (patch: Partial<FlameSettings>) => onSettings({ ...s, ...patch });
  const zoomTo = (frame: number) => data && set({ zoomPath: namesOfFrame(data, frame) });

  // `/` focuses search from anywhere on the page, except where keys are someone's text or choice.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || takesKeys(e.target)) return;
      e.preventDefault();
      searchInput.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    viewRef.current?.focus();
  });

  if (flame.error)
    return (
      <div className="error" data-testid="error">
        {flame.error.message}
      </div>
    );
  if (!data) return <div className="progress">Building flame graph…</div>;
  const t = data.tree;
  const profileTotal = data.profileTotal;

  // The view's shortcuts: only while the view itself has the focus, so that they never fire in
  // the search box, the selects or the menus (keys there bubble up to here).
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey) return;
    const cur = focusFrame ?? zoom;
    let next: number | undefined;
    const up = s.flip ? 'ArrowDown' : 'ArrowUp';
    const down = s.flip ? 'ArrowUp' : 'ArrowDown';
    if (e.key === up) next = t.parent[cur]! >= 0 ? t.parent[cur]! : cur;
    else if (e.key === down) next = cur + 1 < t.end[cur]! ? cur + 1 : cur;
    else if (e.key === 'ArrowRight') {
      const par = t.parent[cur]!;
      next = par >= 0 && t.end[cur]! < t.end[par]! ? t.end[cur]! : cur;
    } else if (e.key === 'ArrowLeft') {
      const par = t.parent[cur]!;
      if (par >= 0) {
        let prev = -1;
        for (let c = par + 1; c < cur; c = t.end[c]!) prev = c;
        next = prev >= 0 ? prev : cur;
      }
    } else if (e.key === 'Enter') {
      zoomTo(cur);
    } else if (e.key === 'Escape') {
      if (zoom > 0) zoomTo(t.parent[zoom]!);
    } else if (e.key === 's' && cur > 0) {
      refocus.current = true; // the sandwich's view takes the keyboard (Escape comes back)
      set({ sandwich: data.names[t.node[cur]!]! });
    } else return;
    e.preventDefault();
    if (next !== undefined) setFocusFrame(next);
  };

  const closeMenu = (refocusView: boolean) => {
    refocus.current ||= refocusView;
    setMenu(null);
  };

  const exportPng = () => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="flamegraph"]');
    if (c) finishDraw(c);
    c?.toBlob((b) => b && downloadBlob(b, `${exportName(p.profileName)}.flamegraph.png`));
  };
  const exportPprof = async () => {
    const bytes = await profileWorker().call('export-pprof', { profile });
    downloadBlob(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }), `${exportName(p.profileName)}.pb.gz`);
  };
  const exportFolded = async () => {
    const text = await profileWorker().call('export-folded', { profile, sampleIndex, granularity, filters });
    downloadBlob(new Blob([text], { type: 'text/plain' }), `${exportName(p.profileName)}.folded.txt`);
  };

  return (
    <div className="flame-view">
      <div className="flame-toolbar">
        <input
          ref={searchInput}
          type="search"
          data-testid="flame-search"
          placeholder="Search (/)"
          aria-label="Search frames"
          value={s.search.text}
          onChange={(e) => set({ search: { ...s.search, text: e.target.value } })}
        />
        <label title="Regular expression">
          <input
            type="checkbox"
            data-testid="search-regex"
            checked={s.search.regex}
            onChange={(e) => set({ search: { ...s.search, regex: e.target.checked } })}
          />
          .*
        </label>
        <label title="Case sensitive">
          <input
            type="checkbox"
            data-testid="search-case"
            checked={s.search.caseSensitive}
            onChange={(e) => set({ search: { ...s.search, caseSensitive: e.target.checked } })}
          />
          Aa
        </label>
        {searchError && <span className="invalid">Invalid regular expression: {searchError}</span>}
        {search && (
          <span
            className="hint"
            data-testid="search-summary"
            data-covered={String(search.covered)}
            data-functions={String(search.functionCount)}
          >
            {search.functionCount} function{search.functionCount === 1 ? '' : 's'} match, covering{' '}
            {formatValue(search.covered, data.unit)} ({profileTotal ? ((search.covered / profileTotal) * 100).toFixed(2) : '0.00'}
            % of total)
          </span>
        )}
        <span className="spacer" />
        <button type="button" data-testid="zoom-reset" disabled={zoom === 0} onClick={() => set({ zoomPath: [] })}>
          Reset zoom
        </button>
        <button type="button" data-testid="flip" onClick={() => set({ flip: !s.flip })}>
          {s.flip ? 'Icicle' : 'Flame'}
        </button>
        {diffStyle && p.diffOptions && p.onDiffOptions && (
          <DiffControls style={diffStyle} options={p.diffOptions} onChange={p.onDiffOptions} />
        )}
        <select
          data-testid="color-mode"
          value={s.colorMode}
          onChange={(e) => set({ colorMode: e.target.value as ColorMode })}
          aria-label="Color frames by"
        >
          <option value="package">Color by package</option>
          <option value="self">Color by self</option>
        </select>
        <details className="menu" ref={exportMenu}>
          <summary data-testid="export-menu">Export</summary>
          <div className="menu-items" onClick={() => exportMenu.current?.removeAttribute('open')}>
            <button type="button" data-testid="export-png" onClick={exportPng}>
              PNG image
            </button>
            <button type="button" data-testid="export-pprof" onClick={() => void exportPprof()}>
              pprof (.pb.gz)
            </button>
            <button type="button" data-testid="export-folded" onClick={() => void exportFolded()}>
              Folded stacks
            </button>
          </div>
        </details>
      </div>
      {s.sandwich ? (
        <SandwichPanel
          profile={profile}
          sampleIndex={sampleIndex}
          granularity={granularity}
          filters={filters}
          data={data}
          colorMode={s.colorMode}
          dark={p.dark}
          name={s.sandwich}
          viewRef={viewRef}
          onClose={() => {
            refocus.current = true;
            set({ sandwich: null });
          }}
        />
      ) : (
        <div
          className="flame-scroll"
          ref={viewRef}
          tabIndex={0}
          data-testid="flame-scroll"
          aria-label="Flame graph"
          onKeyDown={onKeyDown}
        >
          <FlameGraphCanvas
            tree={t}
            names={data.names}
            files={data.files}
            unit={data.unit}
            profileTotal={profileTotal}
            zoom={zoom}
            flip={s.flip}
            colorMode={s.colorMode}
            dark={p.dark}
            matched={search?.matchedNodes}
            selectedNode={selectedNode}
            focusFrame={focusFrame}
            diff={diffStyle}
            tooltip={!menu}
            onFrameClick={(f) => {
              setFocusFrame(f);
              zoomTo(f);
              if (f > 0) p.onSelectName?.(data.names[t.node[f]!]!);
            }}
            onFrameContextMenu={(frame, x, y) => setMenu({ frame, x, y })}
            onHoverNode={(n) => p.onHoverName?.(n === undefined ? null : data.names[n]!)}
          />
        </div>
      )}
      {menu && (
        <FrameMenu
          x={menu.x}
          y={menu.y}
          onClose={closeMenu}
          items={[
            ['Zoom', () => zoomTo(menu.frame)],
            ['Sandwich view', () => set({ sandwich: data.names[t.node[menu.frame]!]! })],
            ...(p.onRefine
              ? (
                  [
                    ['Focus on this function', 'focus'],
                    ['Ignore', 'ignore'],
                    ['Hide', 'hide'],
                    ['Show from here', 'showFrom'],
                  ] as [string, FilterKind][]
                ).map(([label, kind]): [string, () => void] => [label, () => p.onRefine!(kind, data.names[t.node[menu.frame]!]!)])
              : []),
            ...(p.onShowSource
              ? [['Show source', () => p.onShowSource!(data.names[t.node[menu.frame]!]!)] as [string, () => void]]
              : []),
            ['Copy name', () => void navigator.clipboard?.writeText(data.names[t.node[menu.frame]!]!)],
          ]}
        />
      )}
    </div>
  );
}

/** Width side, normalisation and palette of a diff flame graph, with its color scale. */
function DiffControls({
  style,
  options,
  onChange,
}: {
  style: DiffStyle;
  options: DiffOptions;
  onChange: (o: DiffOptions) => void;
}) {
  const stops = [-1, -0.5, -0.02, 0, 0.02, 0.5, 1];
  return (
    <span className="diff-controls">
      <select
        data-testid="diff-width"
        aria-label="Frame width"
        value={options.widthBy}
        onChange={(e) => onChange({ ...options, widthBy: e.target.value as DiffOptions['widthBy'] })}
      >
        <option value="comparison">Width: comparison</option>
        <option value="baseline">Width: baseline</option>
      </select>
      <label title="Compare raw values instead of each side's share of its own total">
        <input
          type="checkbox"
          data-testid="diff-absolute"
          checked={options.absolute}
          onChange={(e) => onChange({ ...options, absolute: e.target.checked })}
        />
        Absolute
      </label>
      <label title="Blue/orange instead of red/green">
        <input
          type="checkbox"
          data-testid="diff-colorblind"
          checked={options.colorBlind}
          onChange={(e) => onChange({ ...options, colorBlind: e.target.checked })}
        />
        Color-blind palette
      </label>
      <span className="diff-legend" data-testid="diff-legend">
        <span>shrank</span>
        {stops.map((c) => (
          <span
            key={c}
            className="diff-swatch"
            style={{ background: diffColor(c, style, false) }}
            title={`${Math.round(c * 100)}%`}
          />
        ))}
        <span>grew</span>
        <span className="hint">({options.absolute ? 'absolute values' : "share of each side's total"}; full color = ±100%)</span>
      </span>
    </span>
  );
}

/** Whether keys on this element are someone's text or choice (a field, a select, a menu). */
function takesKeys(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('input, textarea, select, [contenteditable], [role="menu"]') !== null;
}
