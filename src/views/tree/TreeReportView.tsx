import { useState } from 'react';
import type { Granularity } from '../../profile/model/nodes';
import { useAsync } from '../../state/use-async';
import type { ProfileWorkerClient } from '../../worker/client';
import type { GraphOptions, ViewFilters } from '../../worker/protocol';

interface Props {
  client: ProfileWorkerClient;
  profileKey: number;
  sampleIndex: number;
  granularity: Granularity;
  options: GraphOptions;
  filters?: ViewFilters;
}

/** pprof's `-tree` report, exactly as `go tool pprof -tree` prints it, with "Copy as text". */
export function TreeReportView(p: Props) {
  const report = useAsync(
    () => p.client.treeReport(p.sampleIndex, p.granularity, p.options, p.filters),
    [p.client, p.profileKey, p.sampleIndex, p.granularity, p.options.nodeCount, p.options.nodeFraction, p.options.edgeFraction, JSON.stringify(p.filters ?? {})],
  );
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
