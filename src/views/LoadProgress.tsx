import type { LoadProgressMessage } from '../worker/protocol';

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

const LABELS: Record<LoadProgressMessage['phase'], string> = {
  reading: 'Reading',
  decompressing: 'Decompressing',
  decoding: 'Decoding pprof',
  building: 'Building call tree',
};

/** What the worker is doing with the file being opened: bytes read, then decoding and building. */
export function LoadProgress({ progress }: { progress: LoadProgressMessage }) {
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
