/** Saves a Blob as a file through a temporary link. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The start of an export's file name, from the name the profile is shown under: what a shell and
 * every file system take as it is (no spaces, `·`, `:` or `/`), in lower case. "goapp · CPU"
 * gives "goapp-cpu", "go-cpu.pb.gz vs old.pb.gz" gives "go-cpu-vs-old".
 */
export function exportName(profileName: string): string {
  const name = profileName
    .replace(/\.(pb\.gz|pb|pprof|prof|gz)(?=\s|$)/gi, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return name || 'profile';
}
