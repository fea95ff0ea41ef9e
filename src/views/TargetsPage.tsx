import { useQuery } from '@tanstack/react-query';
import { type Matcher, formatSelector } from '../common/selector';
import { storedBackendUrl } from '../state/backend';
import { DEFAULT_STATE, type UrlState, getUrlState, serializeUrlState, setUrlState } from '../state/url-state';

interface Target {
  job: string;
  source: string;
  profile: string;
  url: string;
  labels: Record<string, string>;
  tenant?: string;
  health: 'unknown' | 'up' | 'down';
  lastScrape: string | null;
  lastScrapeDurationMs: number | null;
  lastError: string | null;
  scrapes: number;
  failures: number;
}
interface Discovery {
  job: string;
  mechanism: string;
  namespace?: string;
  state: string;
  error: string | null;
  pods: number;
  lastUpdate: string | null;
}

async function fetchTargets(signal: AbortSignal): Promise<{ targets: Target[]; discovery: Discovery[] }> {
  const res = await fetch(`${storedBackendUrl().replace(/\/$/, '')}/targets`, { signal });
  if (!res.ok) throw new Error(`${res.status} ${await res.text().catch(() => '')}`);
  return res.json();
}

/**
 * The profile type a target's profile is first shown as: the ids pull mode stores (see
 * server/README.md, "Storing"), with the type a Pyroscope user looks at first for each.
 */
const TARGET_TYPES: Record<string, string> = {
  process_cpu: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
  cpu: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
  memory: 'memory:inuse_space:bytes:space:bytes',
  goroutine: 'goroutine:goroutine:count:goroutine:count',
  mutex: 'mutex:delay:nanoseconds:contentions:count',
  block: 'block:delay:nanoseconds:contentions:count',
};

/** What Explore shows for a target: its series (all its labels) of its profile's type. */
function exploreStateOf(t: Target): Partial<UrlState> {
  const labels = Object.entries(t.labels).sort(([a], [b]) =>
    a === 'service_name' ? -1 : b === 'service_name' ? 1 : a < b ? -1 : 1,
  );
  const matchers: Matcher[] = labels.map(([name, value]) => ({ name, op: '=', value }));
  return {
    mode: 'explore',
    type: TARGET_TYPES[t.profile] ?? '',
    query: formatSelector(matchers),
    tenant: t.tenant && t.tenant !== 'anonymous' ? t.tenant : '',
    // A new question: nothing of the last profile's selection carries over.
    sel: null,
    diff: false,
    bquery: '',
    groupBy: '',
    si: '',
    zoom: [],
    fn: '',
    sandwich: '',
  };
}

/** A link to a target's profiles in Explore (in this page, or a new tab as any link). */
function ExploreLink({ target }: { target: Target }) {
  const patch = exploreStateOf(target);
  return (
    <a
      data-testid="target-explore"
      href={`?${serializeUrlState({ ...DEFAULT_STATE, ...getUrlState(), ...patch })}`}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        setUrlState(patch);
      }}
    >
      Profiles
    </a>
  );
}

/** Pull mode: every scrape target with its labels, last scrape, duration and error. */
export function TargetsPage() {
  const q = useQuery({ queryKey: ['targets'], queryFn: ({ signal }) => fetchTargets(signal), refetchInterval: 5000 });
  if (q.error) {
    return (
      <div className="error" role="alert" data-testid="error">
        Cannot read the scrape targets: {q.error.message}
      </div>
    );
  }
  const data = q.data;
  return (
    <div className="targets">
      {data && data.targets.length === 0 && data.discovery.length === 0 && (
        <p className="welcome" data-testid="no-targets">
          No scrape targets. Start the server with <code>--config flamelens.yaml</code> to collect <code>/debug/pprof</code>{' '}
          profiles from Go services (statically listed, or Kubernetes pods found by their annotations).
        </p>
      )}
      {data && data.discovery.length > 0 && (
        <table className="targets-table" data-testid="discovery-table">
          <thead>
            <tr>
              <th>Discovery</th>
              <th>Namespace</th>
              <th>State</th>
              <th>Pods</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {data.discovery.map((d, i) => (
              <tr key={i} data-testid="discovery-row" data-state={d.state}>
                <td>
                  {d.job} ({d.mechanism})
                </td>
                <td>{d.namespace ?? 'all'}</td>
                <td>{d.state}</td>
                <td>{d.pods}</td>
                <td className="err">{d.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && data.targets.length > 0 && (
        <table className="targets-table" data-testid="targets-table">
          <thead>
            <tr>
              <th>Job</th>
              <th>Profile</th>
              <th>Endpoint</th>
              <th>Labels</th>
              <th>Health</th>
              <th>Last scrape</th>
              <th>Duration</th>
              <th>Scrapes / failures</th>
              <th>Error</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.targets.map((t, i) => (
              <tr key={i} data-testid="target-row" data-health={t.health} data-url={t.url} data-profile={t.profile}>
                <td>{t.job}</td>
                <td>{t.profile}</td>
                <td className="mono">{t.url}</td>
                <td className="mono">
                  {Object.entries(t.labels)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')}
                </td>
                <td className={`health ${t.health}`}>{t.health}</td>
                <td>{t.lastScrape ? new Date(t.lastScrape).toLocaleTimeString() : '—'}</td>
                <td className="num">{t.lastScrapeDurationMs != null ? `${t.lastScrapeDurationMs} ms` : '—'}</td>
                <td className="num">
                  {t.scrapes} / {t.failures}
                </td>
                <td className="err" data-testid="target-error">
                  {t.lastError ?? ''}
                </td>
                <td>
                  <ExploreLink target={t} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
