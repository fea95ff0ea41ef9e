// The differences between Flamelens and Pyroscope that are deliberate (server/README.md, "Differences
// from Grafana Pyroscope"), applied to both backends' answers before they are compared, so that
// the comparison catches everything else. Each rule names the difference it stands for.

/**
 * A function name as both backends must agree on it. Pyroscope drops Go's generic shape
 * arguments (`slices.Sort[go.shape.int]` → `slices.Sort`), where go tool pprof and Flamelens keep
 * them; and it prefixes py-spy/rbspy names with their (here empty) file name and a space.
 */
export function knownName(name: string): string {
  return name.replace(/\[go\.shape\..*$/, '').trimStart();
}

/**
 * A profile type id as both backends must agree on it. Pyroscope names every column of an
 * /ingest pprof after the first sample type it recognises (so a Go block profile is `mutex`, and a
 * .NET profile's allocation columns are `process_cpu`); Flamelens names each column by itself.
 */
export function knownTypeId(id: string): string {
  return id.replace(/^block:/, 'mutex:').replace(/^memory:(alloc_samples|alloc_size):/, 'process_cpu:$1:');
}

/** Pyroscope lists its private `__service_name__` label in LabelNames and Series; Flamelens does not. */
export const knownLabel = (name: string) => name !== '__service_name__';
