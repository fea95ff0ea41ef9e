import { useQuery } from '@tanstack/react-query';
import { storedBackendUrl } from '../state/backend';

interface Target {
  job: string;
  source: string;
  profile: string;
  url: string;
  labels: Record<string, string>;
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
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
