import { useState } from 'react';
import type { Granularity } from '../../profile/model/nodes';
import type { GraphOptions, ViewFilters } from '../../worker/protocol';
import { useWorkerQuery } from '../use-worker-query';

interface Props {
  profile: number;
  sampleIndex: number;
  granularity: Granularity;
  options: GraphOptions;
  filters?: ViewFilters;
}

/** pprof's `-tree` report, exactly as `go tool pprof -tree` prints it, with "Copy as text". */
export function TreeReportView(p: Props) {
  const { profile, sampleIndex, granularity, options, filters } = p;
  const report = useWorkerQuery('tree-report', { profile, sampleIndex, granularity, options, filters });
  const [copied, setCopied] = useState(false);
  if (report.error) {
    return (
      <div className="error" role="alert" data-testid="error">
        {report.error.message}
      </div>
    );
  }
  return (
    <div className="tree-report">
      <div className="flame-toolbar">
        <button
          type="button"
          data-testid="copy-tree-report"
          disabled={!report.data}
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(report.data ?? '');
              setCopied(true);
            } catch {
              // No clipboard permission: select the text for a manual copy.
              const pre = document.querySelector('[data-testid="tree-report"]');
              if (pre) window.getSelection()?.selectAllChildren(pre);
            }
          }}
        >
          Copy as text
        </button>
        {copied && <span className="hint">Copied</span>}
      </div>
      <pre className="report-text" data-testid="tree-report">
        {report.data ?? 'Building the report…'}
      </pre>
    </div>
  );
}
