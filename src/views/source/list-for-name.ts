// The Source view's `list` regexp for a node another view shows: its function's name, quoted, so
// that pprof's -list shows exactly that function.
import type { Granularity } from '../../profile/model/nodes';
import { quoteMeta } from '../../profile/reports/source-list';

/**
 * The function name in a node's printable name at a granularity (pprof's NameComponents: an
 * address first at `addresses`, the file or file:line last at `filefunctions`, `lines` and
 * `addresses`), or undefined when the node is no function (`files`, `<unknown>`, `[binary]`).
 */
export function functionOfNode(name: string, granularity: Granularity): string | undefined {
  if (granularity === 'files' || name === '' || name === '<unknown>' || /^\[.*\]$/.test(name)) return undefined;
  let n = name;
  if (granularity === 'addresses') n = n.replace(/^[0-9a-f]{16} /, '');
  // The last word is the file part when it looks like one (a path, or file:line): a frame without
  // a file prints its name alone, and names may hold spaces (C++ "operator new", py-spy's "x.py:1 - f").
  if (granularity !== 'functions') {
    const cut = n.lastIndexOf(' ');
    const last = n.slice(cut + 1);
    if (cut > 0 && (/[/.]/.test(last) || /:\d+$/.test(last))) n = n.slice(0, cut);
  }
  return n === '' ? undefined : n;
}

/** The `list` regexp that shows exactly this node's function, or undefined when it is no function. */
export function listForNode(name: string, granularity: Granularity): string | undefined {
  const fn = functionOfNode(name, granularity);
  return fn === undefined ? undefined : `^${quoteMeta(fn)}$`;
}
