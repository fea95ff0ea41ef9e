import type { OpenProgress } from '../worker/protocol';

/** How far a profile has got: fetched from a backend, then opened by the worker. */
export type LoadPhase = 'fetching' | OpenProgress['phase'];
export interface Progress {
  phase: LoadPhase;
  done?: number;
  total?: number;
}

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

const LABELS: Record<LoadPhase, string> = {
  fetching: 'Fetching the profile',
  reading: 'Reading',
  decompressing: 'Decompressing',
  decoding: 'Decoding pprof',
  building: 'Building call tree',
};

/** What is happening to the profile being loaded: fetched, bytes read, then decoding and building. */
export function LoadProgress({ progress }: { progress: Progress }) {
  const { phase, done, total } = progress;
  const measured = done !== undefined && total !== undefined && total > 0;
  return (
    <div className="progress" data-testid="progress" data-phase={phase} role="status">
      {LABELS[phase]}
      {measured ? ` ${mib(done)} of ${mib(total)}` : '…'}
      {measured ? <progress max={total} value={done} /> : <progress />}
    </div>
  );
}
