import { GRANULARITIES, type Granularity } from '../profile/model/nodes';
import { FLAME_VIEWS, type UrlState, VIEW_MODES, type ViewMode, viewFiltersOf } from '../state/url-state';
import type { LoadedProfile } from './load-profile';
import { ProfileFacts } from '../views/ProfileFacts';
import { TopTable } from '../views/TopTable';
import { type DiffOptions, type FlameSettings, FlameGraphView } from '../views/flame/FlameGraphView';
import { DiffTopTable } from '../views/DiffTopTable';
import { CallTreeView } from '../views/tree/CallTreeView';
import { CallGraphView } from '../views/graph/CallGraphView';
import { TreeReportView } from '../views/tree/TreeReportView';
import { RefineBar, filterPatch } from '../views/RefineBar';
import { tagPatch } from '../views/tag-patch';
import { TagsView } from '../views/TagsView';
import { useWorkerQuery } from '../views/use-worker-query';
import { useState } from 'react';
import { parseProfileTypeId } from '../common/profile-types';
import { SourceView } from '../views/source/SourceView';
import { listForNode } from '../views/source/list-for-name';

const VIEW_LABELS: Record<ViewMode, string> = {
  top: 'Top table',
  flame: 'Flame graph',
  both: 'Both',
  tree: 'Call tree',
  inverted: 'Inverted tree',
  graph: 'Graph',
  report: 'pprof -tree',
  tags: 'Tags',
  source: 'Source',
};
const HAS_TABLE: ViewMode[] = ['top', 'both'];

interface Props {
  profile: LoadedProfile;
  state: UrlState;
  setState: (patch: Partial<UrlState>, how?: 'push' | 'replace') => void;
  dark: boolean;
}

/** The views of one loaded profile (a file or a backend query), all driven by the URL state. */
export function ProfileViews({ profile, state, setState, dark }: Props) {
  const types = profile.summary.sampleTypes;
  const named = types.findIndex((t) => t.type === state.si);
  const sampleIndex = named >= 0 ? named : profile.summary.defaultSampleIndex;
  const granularity = state.g;
  const [hoveredName, setHoveredName] = useState<string | null>(null);

  const filters = viewFiltersOf(state);
  const showTable = HAS_TABLE.includes(state.view);
  // What the top table and the diff table share: filter, sort and the selected row, in the URL.
  const tableProps = {
    filter: state.filter,
    onFilterChange: (filter: string) => setState({ filter }, 'replace'),
    sort: state.sort,
    ascending: state.asc,
    onSortChange: (sort: typeof state.sort, asc: boolean) => setState({ sort, asc }),
    selectedName: state.fn || null,
    onRowClick: (name: string) => setState({ fn: name === state.fn ? '' : name }),
  };
  const view = { profile: profile.id, sampleIndex, granularity, filters };
  const top = useWorkerQuery('top', showTable ? view : undefined);
  const treeView = state.view === 'tree' || state.view === 'inverted';
  const tree = useWorkerQuery(state.view === 'inverted' ? 'inverted' : 'flame', treeView ? view : undefined);
  const viewError = top.error ?? tree.error;
  const warnings = top.data?.warnings ?? tree.data?.warnings;

  const flame: FlameSettings = {
    zoomPath: state.zoom,
    search: { text: state.search, regex: state.searchRegex, caseSensitive: state.searchCase },
    flip: state.flip,
    colorMode: state.color,
    sandwich: state.sandwich || null,
  };
  const setFlame = (s: FlameSettings) =>
    setState(
      {
        zoom: s.zoomPath,
        search: s.search.text,
        searchRegex: s.search.regex,
        searchCase: s.search.caseSensitive,
        flip: s.flip,
        color: s.colorMode,
        sandwich: s.sandwich ?? '',
      },
      // Typing in the search box replaces the history entry instead of adding one per key.
      s.search.text !== state.search ? 'replace' : 'push',
    );

  // A query that found profiles without samples (e.g. Go's mutex and block profiles while their
  // profiling is off in the process) says so in the views' place, instead of blank views.
  const empty =
    state.mode === 'explore' &&
    (profile.summary.totals[sampleIndex] ?? 0) === 0 &&
    (profile.summary.baseTotals?.[sampleIndex] ?? 0) === 0;

  // "Show source" in a view's menu: pprof's -list of that node's function.
  const showSource = (name: string) => {
    const list = listForNode(name, granularity);
    if (list) setState({ view: 'source', list });
  };

  const diffOptions: DiffOptions = { widthBy: state.diffWidth, absolute: state.diffAbs, colorBlind: state.cb };
  const setDiffOptions = (o: DiffOptions) => setState({ diffWidth: o.widthBy, diffAbs: o.absolute, cb: o.colorBlind });

  return (
    <>
      <div className="toolbar view-bar">
        <label>
          Sample
          <select
            data-testid="sample-type"
            value={sampleIndex}
            onChange={(e) => setState({ si: types[Number(e.target.value)]!.type })}
          >
            {types.map((t, i) => (
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
            onChange={(e) => setState({ g: e.target.value as Granularity, zoom: [], sandwich: '', fn: '' })}
          >
            {GRANULARITIES.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </label>
        <span className="view-tabs" role="group" aria-label="View">
          {VIEW_MODES.map((v) => (
            <button
              key={v}
              type="button"
              data-testid={`view-${v}`}
              aria-pressed={state.view === v}
              onClick={() => setState({ view: v })}
            >
              {VIEW_LABELS[v]}
            </button>
          ))}
        </span>
      </div>
      <ProfileFacts name={profile.name} summary={profile.summary} sampleIndex={sampleIndex} query={profile.query} />
      <RefineBar state={state} setState={setState} warnings={warnings} error={viewError?.message} />
      {empty ? (
        <EmptyProfile type={state.type} />
      ) : (
        <div className={state.view === 'both' ? 'both' : 'main'}>
          {treeView && tree.data && <CallTreeView data={tree.data} inverted={state.view === 'inverted'} />}
          {state.view === 'report' && (
            <TreeReportView
              profile={profile.id}
              sampleIndex={sampleIndex}
              granularity={granularity}
              options={{ nodeCount: state.nodeCount, nodeFraction: state.nodeFraction, edgeFraction: state.edgeFraction }}
              filters={filters}
            />
          )}
          {state.view === 'tags' && (
            <TagsView
              profile={profile.id}
              sampleIndex={sampleIndex}
              filters={filters}
              onTag={(kind, filter) => setState(tagPatch(state, kind, filter))}
            />
          )}
          {state.view === 'graph' && (
            <CallGraphView
              profile={profile.id}
              profileName={profile.name}
              sampleIndex={sampleIndex}
              granularity={granularity}
              options={{ nodeCount: state.nodeCount, nodeFraction: state.nodeFraction, edgeFraction: state.edgeFraction }}
              onOptions={(o) => setState(o, 'replace')}
              filters={filters}
              onRefine={(kind, name) => setState(filterPatch(state, kind, name))}
              onShowSource={showSource}
              dark={dark}
              diff={profile.diff !== undefined}
              colorBlind={state.cb}
              onColorBlind={(cb) => setState({ cb })}
            />
          )}
          {showTable && top.data?.diff && (
            <DiffTopTable
              top={top.data}
              {...tableProps}
              absolute={state.diffAbs}
              // Beside the flame graph, its own "Absolute" box is the one to use.
              onAbsoluteChange={state.view === 'top' ? (diffAbs) => setState({ diffAbs }) : undefined}
              colorBlind={state.cb}
              showUnchanged={state.unchanged}
              onShowUnchangedChange={(unchanged) => setState({ unchanged })}
            />
          )}
          {showTable && top.data && !top.data.diff && <TopTable top={top.data} {...tableProps} onRowHover={setHoveredName} />}
          {FLAME_VIEWS.includes(state.view) && (
            <FlameGraphView
              profile={profile.id}
              profileName={profile.name}
              sampleIndex={sampleIndex}
              granularity={granularity}
              settings={flame}
              onSettings={setFlame}
              dark={dark}
              selectedName={hoveredName ?? (state.fn || null)}
              onSelectName={(fn) => setState({ fn: fn ?? '' })}
              diffOptions={diffOptions}
              onDiffOptions={setDiffOptions}
              filters={filters}
              onRefine={(kind, name) => setState(filterPatch(state, kind, name))}
              onShowSource={showSource}
            />
          )}
          {state.view === 'source' && (
            <SourceView
              profile={profile.id}
              sampleIndex={sampleIndex}
              filters={filters}
              // Without a regexp, the function selected in another view (a top table row).
              list={state.list || (state.fn && listForNode(state.fn, granularity)) || ''}
              onList={(list) => setState({ list })}
              diff={profile.diff && { absolute: state.diffAbs, colorBlind: state.cb }}
              dark={dark}
            />
          )}
        </div>
      )}
    </>
  );
}

/** What an empty query result means, in the views' place. */
function EmptyProfile({ type }: { type: string }) {
  const name = parseProfileTypeId(type)?.name ?? 'this';
  return (
    <p className="welcome empty-profile" data-testid="empty-profile">
      No samples in this range (is {name} profiling enabled in the process?)
    </p>
  );
}
