// A source file for the Source view, from where it can come, in this order: the folder the person
// picked (read in the browser), then the server's source folders (GET /source, FLAMELENS_SOURCE_PATH),
// else nothing, with the reasons, so that the view can say how to supply it.
import { useQuery } from '@tanstack/react-query';
import { splitSourceLines } from '../../profile/reports/source-list';
import { storedBackendUrl } from '../../state/backend';
import type { PickedFolder } from './source-folder';

/** Files larger than this are not read in the page (a generated file, a bundle). */
const MAX_BYTES = 16 * 1024 * 1024;

export interface SourceText {
  lines: string[];
  from: 'folder' | 'server';
  /** The path it was found as: below the picked folder, or the server's matched suffix. */
  where: string;
}

export interface SourceLookup {
  text?: SourceText;
  /** Why there is no text, per place tried. */
  why: string[];
}

async function lookup(file: string, folder: PickedFolder | undefined, signal: AbortSignal): Promise<SourceLookup> {
  const why: string[] = [];
  if (folder) {
    const hit = folder.index.find(file);
    if (hit) {
      const f = await hit.value();
      if (f.size <= MAX_BYTES) return { text: { lines: splitSourceLines(await f.text()), from: 'folder', where: hit.path }, why };
      why.push(`${hit.path} in your folder is larger than ${MAX_BYTES >> 20} MiB`);
    } else why.push(`no file of the folder “${folder.name}” ends in ${lastParts(file)}`);
  }
  try {
    const res = await fetch(`${storedBackendUrl()}/source?${new URLSearchParams({ path: file })}`, { signal });
    if (res.ok) {
      const where = decodeURIComponent(res.headers.get('x-flamelens-source') ?? file);
      return { text: { lines: splitSourceLines(await res.text()), from: 'server', where }, why };
    }
    const body = (await res.json().catch(() => undefined)) as { message?: string } | undefined;
    why.push(`the server: ${body?.message ?? `HTTP ${res.status}`}`);
  } catch (e) {
    if (signal.aborted) throw e;
    why.push('no Flamelens server to ask');
  }
  return { why };
}

/** The file name's last two parts, for messages. */
function lastParts(file: string): string {
  return file.split('/').slice(-2).join('/');
}

/** The text of a profile's source file (undefined while it is looked up or when `file` is ''). */
export function useSourceFile(file: string, folder: PickedFolder | undefined): SourceLookup | undefined {
  const q = useQuery({
    queryKey: ['source-file', folder?.generation ?? 0, file],
    queryFn: ({ signal }) => lookup(file, folder, signal),
    enabled: file !== '',
    staleTime: 60_000,
    retry: false,
  });
  return q.data;
}
