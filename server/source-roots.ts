// The Source view's files from this machine: GET /source?path=<file name as the profile has it>
// reads the file from the folders FLAMELENS_SOURCE_PATH lists (a checkout, the Go root's src, the
// module cache), found by the longest suffix of the name that exists below a root (pprof's
// -source_path with -trim_path). Nothing outside the roots is read: `..` parts are refused before
// any lookup, a file whose real path (symlinks resolved) leaves its root is refused, and so are
// hidden files and folders (`.env`, `.git/…`), which a source tree holds but no profile names.
import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { delimiter, resolve, sep } from 'node:path';
import { sourcePathParts } from '../src/common/source-paths';
import { ClientError } from './errors';
import { type Limits, overLimit } from './limits';

/** FLAMELENS_SOURCE_PATH: folders separated by the platform's list separator (`:`), empty parts ignored. */
export function parseSourcePath(value: string | undefined): string[] {
  return (value ?? '')
    .split(delimiter)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export interface SourceFile {
  text: Buffer;
  /** The part of the name that was found below a root (never the root's own path). */
  matched: string;
}

export class SourceRoots {
  private constructor(private readonly roots: string[]) {}

  /** The roots, resolved with their symlinks; a root that is not a folder fails the start. */
  static async open(paths: string[]): Promise<SourceRoots> {
    const roots: string[] = [];
    for (const p of paths) {
      let real: string;
      try {
        real = await realpath(resolve(p));
      } catch {
        throw new Error(`FLAMELENS_SOURCE_PATH: ${p} does not exist`);
      }
      if (!(await stat(real)).isDirectory()) throw new Error(`FLAMELENS_SOURCE_PATH: ${p} is not a folder`);
      roots.push(real);
    }
    return new SourceRoots(roots);
  }

  get count(): number {
    return this.roots.length;
  }

  /** The file a profile names, from the first root that has its longest suffix. */
  async read(name: string, limits: Pick<Limits, 'maxSourceFileBytes' | 'maxSourcePathLength'>): Promise<SourceFile> {
    if (name === '') throw new ClientError(400, 'path is required: the source file name as the profile has it');
    if (name.length > limits.maxSourcePathLength)
      throw overLimit('maxSourcePathLength', limits as Limits, `the source file name has ${name.length} characters`);
    const parts = sourcePathParts(name);
    if (!parts) throw new ClientError(400, `path traversal refused: ${JSON.stringify(name.slice(0, 200))} has a ".." part`);
    if (parts.length === 0) throw new ClientError(400, `${JSON.stringify(name.slice(0, 200))} names no file`);
    if (parts.some((p) => p.startsWith('.')))
      throw new ClientError(403, `hidden files and folders are not served: ${JSON.stringify(name.slice(0, 200))}`);
    if (this.roots.length === 0)
      throw new ClientError(404, 'no source folders are configured on the server (FLAMELENS_SOURCE_PATH)');
    for (let k = 0; k < parts.length; k++) {
      const suffix = parts.slice(k).join('/');
      for (const root of this.roots) {
        const candidate = resolve(root, suffix);
        if (!within(root, candidate)) continue; // cannot happen without "..", kept as a second lock
        let real: string;
        try {
          real = await realpath(candidate);
        } catch {
          continue;
        }
        if (!within(root, real))
          throw new ClientError(
            403,
            `${JSON.stringify(suffix.slice(0, 200))} leads outside the source folders (a symbolic link)`,
          );
        const text = await readLimited(real, limits.maxSourceFileBytes, limits as Limits);
        if (text) return { text, matched: suffix };
      }
    }
    throw new ClientError(
      404,
      `${JSON.stringify(name.slice(0, 200))} is not below any of the ${this.roots.length} source folders`,
    );
  }
}

function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** A regular file's bytes, or undefined for anything else (a folder, a device); over the limit is 413. */
async function readLimited(path: string, max: number, limits: Limits): Promise<Buffer | undefined> {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; the file is checked before it is read.
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
  if (!fh) return undefined;
  try {
    const st = await fh.stat();
    if (!st.isFile()) return undefined;
    if (st.size > max) throw overLimit('maxSourceFileBytes', limits, `the source file has ${st.size} bytes`);
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}
