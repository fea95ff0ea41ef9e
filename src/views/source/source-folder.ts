// The source folder the person picked for the Source view: the files' names, indexed by path
// suffix (src/common/source-paths.ts), and a way to read each one when a listing needs it. Files
// stay in the browser: only their names are read up front, a file's text when it is shown.
// One folder for the page (it outlives view switches and other profiles, not a reload).
import { useSyncExternalStore } from 'react';
import { SourceSuffixIndex } from '../../common/source-paths';

export interface PickedFolder {
  name: string;
  fileCount: number;
  /** Changes with every pick, so that cached file texts of an earlier folder are not reused. */
  generation: number;
  index: SourceSuffixIndex<() => Promise<File>>;
  /** Entries not indexed because the folder has more than MAX_FILES. */
  truncated: boolean;
}

/** Files indexed at most: a home folder picked by mistake should not hang the page. */
export const MAX_FILES = 200_000;

let current: PickedFolder | undefined;
let generation = 0;
const listeners = new Set<() => void>();

function publish(folder: PickedFolder | undefined): void {
  current = folder;
  listeners.forEach((l) => l());
}

export function usePickedFolder(): PickedFolder | undefined {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

export function forgetFolder(): void {
  publish(undefined);
}

/** The files of an `<input type=file webkitdirectory>`: their webkitRelativePath starts with the folder's name. */
export function pickFiles(files: ArrayLike<File>): void {
  const entries: [string, () => Promise<File>][] = [];
  let name = '';
  for (let i = 0; i < files.length && entries.length < MAX_FILES; i++) {
    const f = files[i]!;
    const path = f.webkitRelativePath || f.name;
    if (path.split('/').some((p) => p.startsWith('.'))) continue; // .git and the like: never a profile's source
    name ||= path.split('/')[0] ?? '';
    entries.push([path, () => Promise.resolve(f)]);
  }
  publish({
    name,
    fileCount: entries.length,
    generation: ++generation,
    index: new SourceSuffixIndex(entries),
    truncated: files.length > entries.length && entries.length >= MAX_FILES,
  });
}

/** Whether the browser has the File System Access API's folder picker (Chromium does). */
export function canPickDirectory(): boolean {
  return typeof window !== 'undefined' && 'showDirectoryPicker' in window;
}

interface DirHandle {
  name: string;
  kind: 'directory';
  values(): AsyncIterable<DirHandle | FileHandle>;
}
interface FileHandle {
  name: string;
  kind: 'file';
  getFile(): Promise<File>;
}

/**
 * Picks a folder with the File System Access API and indexes its files' names (hidden folders
 * skipped). Resolves false when the person cancelled.
 */
export async function pickDirectory(): Promise<boolean> {
  const picker = (window as unknown as { showDirectoryPicker(o?: { mode: 'read' }): Promise<DirHandle> }).showDirectoryPicker;
  let root: DirHandle;
  try {
    root = await picker.call(window, { mode: 'read' });
  } catch {
    return false; // cancelled (AbortError) or refused
  }
  const entries: [string, () => Promise<File>][] = [];
  let truncated = false;
  const walk = async (dir: DirHandle, prefix: string): Promise<void> => {
    for await (const h of dir.values()) {
      if (entries.length >= MAX_FILES) {
        truncated = true;
        return;
      }
      if (h.name.startsWith('.')) continue;
      const path = `${prefix}/${h.name}`;
      if (h.kind === 'directory') await walk(h, path);
      else entries.push([path, () => h.getFile()]);
    }
  };
  await walk(root, root.name);
  publish({
    name: root.name,
    fileCount: entries.length,
    generation: ++generation,
    index: new SourceSuffixIndex(entries),
    truncated,
  });
  return true;
}
