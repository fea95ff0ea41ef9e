// The Source view: pprof's `-list <regexp>` (weblist's numbers) for the functions the `list`
// regexp names, each line with its flat and cum beside the source text, from a folder the person
// picks, the server's source folders, or neither (numbers alone).
import { useEffect, useRef, useState } from 'react';
import type { ViewFilters } from '../../profile/model/filtered-session';
import { formatValue } from '../../profile/reports/format';
import { useWorkerQuery } from '../use-worker-query';
import { canPickDirectory, forgetFolder, pickDirectory, pickFiles, usePickedFolder } from './source-folder';
import { type DiffLook, SourceRoutine } from './SourceRoutine';

/** Routines shown at most: a regexp like "." matches every function. */
const MAX_ROUTINES = 40;

interface Props {
  profile: number;
  sampleIndex: number;
  filters?: ViewFilters;
  /** The `list` regexp ('' = none yet). */
  list: string;
  onList: (list: string) => void;
  /** For a diff: how rows are colored (the diff flame graph's options). */
  diff?: Omit<DiffLook, 'baseTotal' | 'nextTotal'>;
  dark: boolean;
}

export function SourceView(p: Props) {
  const folder = usePickedFolder();
  const listing = useWorkerQuery(
    'source',
    p.list
      ? { profile: p.profile, sampleIndex: p.sampleIndex, granularity: 'lines', filters: p.filters, list: p.list }
      : undefined,
  );
  const data = listing.data;
  const routines = data?.routines ?? [];
  return (
    <div className="source-view" data-testid="source-view">
      <div className="flame-toolbar source-toolbar">
        <ListInput list={p.list} onList={p.onList} />
        <FolderPicker />
        {folder && (
          <span className="hint" data-testid="source-folder">
            Folder “{folder.name}”: {folder.fileCount} files{folder.truncated ? ' (the first ones only)' : ''}{' '}
            <button type="button" onClick={forgetFolder}>
              Forget
            </button>
          </span>
        )}
      </div>
      {!p.list && (
        <p className="hint" data-testid="source-empty">
          Choose a function: “Show source” in the flame graph’s or call graph’s menu, a row selected in the top table, or a
          regular expression above (Go syntax, as go tool pprof -list: it matches anywhere in a function’s name).
        </p>
      )}
      {p.list && !data && !listing.error && (
        <p className="hint" data-testid="source-pending">
          Listing the functions that match…
        </p>
      )}
      {listing.error && (
        <div className="error" role="alert" data-testid="source-error">
          {listing.error.message}
        </div>
      )}
      {data && !data.hasLineTable && (
        <p className="hint" data-testid="source-no-line-table">
          This profile has no line table: its functions carry no file names with line numbers (profilers such as py-spy write
          “file:line - function” into the function’s name instead), so there is no source to show, only each function’s totals.
        </p>
      )}
      {data && p.list && routines.length === 0 && (
        <p className="hint" data-testid="source-no-match">
          No function with samples matches {JSON.stringify(p.list)}.
        </p>
      )}
      {data && routines.length > 0 && (
        <div className="source-total hint" data-testid="source-total">
          Total: {formatValue(data.total, data.unit)}
          {routines.length > MAX_ROUTINES &&
            ` — the first ${MAX_ROUTINES} of ${routines.length} functions; narrow the expression`}
        </div>
      )}
      {data &&
        routines
          .slice(0, MAX_ROUTINES)
          .map((r) => (
            <SourceRoutine
              key={`${r.name}\u0000${r.file}`}
              routine={r}
              total={data.total}
              unit={data.unit}
              folder={folder}
              diff={data.diff && p.diff && { ...p.diff, ...data.diff }}
              dark={p.dark}
            />
          ))}
    </div>
  );
}

/** The `list` regexp, applied on Enter or when the field is left (typing does not ask the worker per key). */
function ListInput({ list, onList }: { list: string; onList: (l: string) => void }) {
  const [text, setText] = useState(list);
  useEffect(() => setText(list), [list]);
  const apply = () => {
    if (text !== list) onList(text);
  };
  return (
    <label>
      Function
      <input
        type="text"
        data-testid="source-list-input"
        className="source-list-input"
        placeholder="regexp, e.g. ^main\.handle$"
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
        }}
        onBlur={apply}
      />
    </label>
  );
}

/**
 * "Source folder…": the File System Access picker where the browser has it, else the directory
 * input (always in the page, hidden, which tests drive). Only names are read until a file is shown.
 */
function FolderPicker() {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // React does not know these attributes; set them on the element.
    input.current?.setAttribute('webkitdirectory', '');
    input.current?.setAttribute('directory', '');
  }, []);
  return (
    <>
      <button
        type="button"
        data-testid="source-dir-button"
        title="Pick the folder of your checkout; its files are read in this browser, nothing is uploaded"
        onClick={() => {
          if (canPickDirectory()) void pickDirectory();
          else input.current?.click();
        }}
      >
        Source folder…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="source-dir-input"
        onChange={(e) => {
          if (e.target.files && e.target.files.length > 0) pickFiles(e.target.files);
          e.target.value = '';
        }}
      />
    </>
  );
}
