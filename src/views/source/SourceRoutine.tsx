// One routine of the Source view (pprof's "ROUTINE ==== name in file" block): the header with the
// function's totals, where its source came from, and a row per line with its values. Source text
// and names are rendered as text nodes only.
import { formatPercent, formatValue } from '../../profile/reports/format';
import { type ListRoutine, shownLines } from '../../profile/reports/source-list';
import { diffColor, relativeChange } from '../flame/flame-render';
import type { PickedFolder } from './source-folder';
import { useSourceFile } from './use-source-file';

export interface DiffLook {
  baseTotal: number;
  nextTotal: number;
  absolute: boolean;
  colorBlind: boolean;
}

interface Props {
  routine: ListRoutine;
  total: number;
  unit: string;
  folder: PickedFolder | undefined;
  /** Set for a diff: rows are colored by the change, as the diff flame graph colors frames. */
  diff?: DiffLook;
  dark: boolean;
}

/** pprof prints 0 as "." in a listing's rows. */
const cell = (v: number, unit: string) => (v === 0 ? '.' : formatValue(v, unit));

/** A line is hot when its cum is at least this share of the routine's hottest line. */
const HOT_SHARE = 0.5;

export function SourceRoutine({ routine: r, total, unit, folder, diff, dark }: Props) {
  const source = useSourceFile(r.file, folder);
  const header = (
    <div className="source-head">
      <span className="source-name" data-testid="source-routine-name">
        {r.name}
      </span>
      {r.file && <span className="source-file"> in {r.file}</span>}
    </div>
  );
  if (!r.lines) {
    return (
      <section className="source-routine" data-testid="source-routine" data-name={r.name} data-file="">
        {header}
        <p className="hint" data-testid="source-no-file">
          No source information for this function: the profile gives no file name for it
          {r.noLineNumbers ? ' and no line numbers' : ''}.
        </p>
      </section>
    );
  }
  const l = r.lines;
  const lines = source?.text ? source.text.lines : undefined;
  const rows = shownLines(l, lines?.length);
  let maxCum = 0;
  let lastSampled = 0;
  for (let i = 0; i < l.cum.length; i++) {
    maxCum = Math.max(maxCum, Math.abs(l.cum[i]!));
    if (l.cum[i] !== 0 || l.flat[i] !== 0) lastSampled = l.start + i;
  }
  // pprof stops at the end of the file: samples past it mean the file is not the one profiled.
  const pastEnd = lines !== undefined && lastSampled > lines.length;
  return (
    <section
      className={`source-routine${diff ? ' diff' : ''}`}
      data-testid="source-routine"
      data-name={r.name}
      data-file={r.file}
      data-flat={String(r.flat)}
      data-cum={String(r.cum)}
    >
      {header}
      <div className="source-totals" data-testid="source-totals" title="pprof's routine header: Σ of the lines' flat and cum">
        {formatValue(r.flat, unit)} flat, {formatValue(r.cum, unit)} cum (Σ of its lines), {formatPercent(r.cum, total).trim()} of{' '}
        {formatValue(total, unit)}
      </div>
      <SourceOrigin source={source} noLineNumbers={r.noLineNumbers} />
      {pastEnd && (
        <p className="hint" data-testid="source-past-end">
          The file has {lines.length} lines but the profile has samples on line {lastSampled}: it is probably not the version that
          was profiled (go tool pprof stops at the end of the file too).
        </p>
      )}
      <table className="source-table">
        <thead>
          <tr>
            {diff ? (
              <>
                <th title="baseline flat">base flat</th>
                <th title="baseline cum">base cum</th>
                <th title="comparison flat">comp flat</th>
                <th title="comparison cum">comp cum</th>
                <th title="comparison − baseline, as go tool pprof -diff_base -list">Δ flat</th>
                <th title="comparison − baseline, as go tool pprof -diff_base -list">Δ cum</th>
              </>
            ) : (
              <>
                <th>flat</th>
                <th>cum</th>
              </>
            )}
            <th className="line-no">line</th>
            <th className="source-text-head">source</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((line) => {
            const i = line - l.start;
            const flat = l.flat[i]!;
            const cum = l.cum[i]!;
            const hot = !diff && maxCum > 0 && Math.abs(cum) >= HOT_SHARE * maxCum;
            const b = l.base && { flat: l.base.flat[i]!, cum: l.base.cum[i]! };
            const n = l.next && { flat: l.next.flat[i]!, cum: l.next.cum[i]! };
            const any = flat !== 0 || cum !== 0 || (b && (b.cum !== 0 || n!.cum !== 0));
            const style =
              diff && b && n && any
                ? { background: diffColor(relativeChange(b.cum, n.cum, { ...diff, widthBy: 'comparison' }), diff, dark) }
                : !diff && maxCum > 0 && cum !== 0
                  ? { ['--heat' as string]: String(Math.abs(cum) / maxCum) }
                  : undefined;
            return (
              <tr
                key={line}
                className={`source-line${hot ? ' hot' : ''}${any ? ' sampled' : ''}`}
                style={style}
                data-testid="source-line"
                data-line={line}
                data-flat={String(flat)}
                data-cum={String(cum)}
                data-hot={hot ? '1' : undefined}
                {...(b && n
                  ? {
                      'data-base-flat': String(b.flat),
                      'data-base-cum': String(b.cum),
                      'data-next-flat': String(n.flat),
                      'data-next-cum': String(n.cum),
                    }
                  : {})}
              >
                {b && n && (
                  <>
                    <td className="num">{cell(b.flat, unit)}</td>
                    <td className="num">{cell(b.cum, unit)}</td>
                    <td className="num">{cell(n.flat, unit)}</td>
                    <td className="num">{cell(n.cum, unit)}</td>
                  </>
                )}
                <td className="num" data-col="flat">
                  {cell(flat, unit)}
                </td>
                <td className="num" data-col="cum">
                  {cell(cum, unit)}
                </td>
                <td className="line-no">{line}</td>
                <td className="source-text" data-col="text">
                  {lines ? lines[line - 1] : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** Where the routine's text came from, or how to supply it. */
function SourceOrigin({ source, noLineNumbers }: { source: ReturnType<typeof useSourceFile>; noLineNumbers: boolean }) {
  if (noLineNumbers)
    return (
      <p className="hint" data-testid="source-origin" data-from="none">
        The profile gives no line numbers for this function: its samples are all on line 0.
      </p>
    );
  if (!source)
    return (
      <p className="hint" data-testid="source-origin" data-from="">
        Looking for the source…
      </p>
    );
  if (source.text)
    return (
      <p className="hint" data-testid="source-origin" data-from={source.text.from}>
        {source.text.from === 'folder' ? 'From your folder (read in this browser): ' : "From the server's source folders: "}
        <code>{source.text.where}</code>
      </p>
    );
  return (
    <p className="hint" data-testid="source-origin" data-from="none">
      Line numbers and values only: no source found ({source.why.join('; ')}). Pick the folder of your checkout above (it is read
      in this browser, nothing is uploaded), or start the Flamelens server with FLAMELENS_SOURCE_PATH listing it.
    </p>
  );
}
