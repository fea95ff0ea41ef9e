// How a source file named in a profile is found among files on this side: by the longest run of
// trailing path components they share, as pprof's -trim_path and -source_path together do (a
// build path like /home/ci/src/app/x.go or a module path like example.com/app/x.go is found as
// app/x.go in a checkout). The page matches against a folder the person picked; the server tries
// the suffixes below its source roots (server/source-roots.ts).

/** pprof's build-sandbox prefixes, removed before anything else (report.trimPath). */
const SANDBOX_PREFIXES = ['/proc/self/cwd/./', '/proc/self/cwd/'];

/**
 * A profile's file name as path components: backslashes read as slashes (Windows builds), the
 * sandbox prefixes and `.` parts dropped. Undefined when a `..` part is left: such a name points
 * outside wherever it is looked up, and is never matched.
 */
export function sourcePathParts(path: string): string[] | undefined {
  let p = path.replace(/\\/g, '/');
  for (const prefix of SANDBOX_PREFIXES) {
    if (p.startsWith(prefix)) {
      p = p.slice(prefix.length);
      break;
    }
  }
  // A drive letter (C:) is a root, not a component.
  p = p.replace(/^[A-Za-z]:\//, '/');
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  if (parts.some((x) => x === '..' || x.includes('\0'))) return undefined;
  return parts;
}

/** The relative paths to try for a profile's file name, longest first (the whole name, then without its first part, …). */
export function sourcePathSuffixes(path: string): string[] {
  const parts = sourcePathParts(path);
  if (!parts) return [];
  const out: string[] = [];
  for (let k = 0; k < parts.length; k++) out.push(parts.slice(k).join('/'));
  return out;
}

/**
 * Files (relative paths below a picked folder, `/`-separated) indexed by their name, to find the
 * one for a profile's file name: the most trailing components in common wins, then the shortest
 * path (nearest the folder), then the first in byte order; at least the file name must agree.
 */
export class SourceSuffixIndex<T = string> {
  private readonly byBase = new Map<string, { parts: string[]; path: string; value: T }[]>();

  constructor(entries: Iterable<[path: string, value: T]>) {
    for (const [path, value] of entries) {
      const parts = path.split('/').filter((x) => x !== '');
      const base = parts[parts.length - 1];
      if (base === undefined) continue;
      let list = this.byBase.get(base);
      if (!list) this.byBase.set(base, (list = []));
      list.push({ parts, path: parts.join('/'), value });
    }
  }

  get size(): number {
    let n = 0;
    for (const l of this.byBase.values()) n += l.length;
    return n;
  }

  find(profilePath: string): { path: string; value: T; shared: number } | undefined {
    const want = sourcePathParts(profilePath);
    if (!want || want.length === 0) return undefined;
    const candidates = this.byBase.get(want[want.length - 1]!);
    if (!candidates) return undefined;
    let best: { path: string; value: T; shared: number; length: number } | undefined;
    for (const c of candidates) {
      let shared = 0;
      while (
        shared < want.length &&
        shared < c.parts.length &&
        want[want.length - 1 - shared] === c.parts[c.parts.length - 1 - shared]
      )
        shared++;
      const better =
        !best ||
        shared > best.shared ||
        (shared === best.shared && (c.parts.length < best.length || (c.parts.length === best.length && c.path < best.path)));
      if (better) best = { path: c.path, value: c.value, shared, length: c.parts.length };
    }
    return best && { path: best.path, value: best.value, shared: best.shared };
  }
}
