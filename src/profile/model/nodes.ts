import type { ProfileData } from './profile-data';

/** pprof's granularities (`-functions`, `-filefunctions`, `-files`, `-lines`, `-addresses`). */
export type Granularity = 'functions' | 'filefunctions' | 'files' | 'lines' | 'addresses';
export const GRANULARITIES: Granularity[] = ['functions', 'filefunctions', 'files', 'lines', 'addresses'];

/** pprof's graph.NodeInfo: what identifies a node at a granularity. */
export interface NodeInfo {
  name: string;
  address: number;
  file: string;
  startLine: number;
  lineno: number;
  objfile: string;
}

/**
 * The nodes of a profile at one granularity, and for each location its nodes leaf-first (an
 * inlined frame is its own node), as pprof's graph.CreateNodes does.
 */
export interface NodeTable {
  granularity: Granularity;
  infos: NodeInfo[];
  /** pprof's PrintableName of each node. */
  names: string[];
  /** Dense function index of each node's frame (-1 when none); the first one seen for merged nodes. */
  functionIndex: Int32Array;
  /** Nodes of location l, leaf first: locNodes[locStart[l] .. locStart[l+1]). */
  locStart: Int32Array;
  locNodes: Int32Array;
}

const FIELDS: Record<Granularity, { fn: boolean; file: boolean; line: boolean; addr: boolean }> = {
  functions: { fn: true, file: false, line: false, addr: false },
  filefunctions: { fn: true, file: true, line: false, addr: false },
  files: { fn: false, file: true, line: false, addr: false },
  lines: { fn: true, file: true, line: true, addr: false },
  addresses: { fn: true, file: true, line: true, addr: true },
};

/** The distinct nodes met so far, each with its printable name and first function. */
class NodeInterner {
  readonly infos: NodeInfo[] = [];
  readonly names: string[] = [];
  readonly fnOfNode: number[] = [];
  private readonly byKey = new Map<string, number>();

  nodeFor(info: NodeInfo, fnIndex: number): number {
    const key = `${info.address}\u0000${info.name}\u0000${info.file}\u0000${info.startLine}\u0000${info.lineno}\u0000${info.objfile}`;
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.infos.length;
      this.byKey.set(key, id);
      this.infos.push(info);
      this.names.push(printableName(info));
      this.fnOfNode.push(fnIndex);
    }
    return id;
  }
}

export function buildNodeTable(data: ProfileData, granularity: Granularity): NodeTable {
  const f = FIELDS[granularity];
  // A class, not a closure, for the per-location lookup: see readProfileData.
  const interner = new NodeInterner();
  const nLoc = data.locationAddress.length;
  const locStart = new Int32Array(nLoc + 1);
  const locNodes: number[] = [];
  const cleanFiles = f.file
    ? data.functionFile.map((file) => {
        const trimmed = trimPath(file);
        return trimmed === '' ? '' : cleanPath(trimmed);
      })
    : [];
  // Without lines or addresses, a named function's node depends on the function alone: look it
  // up once per function instead of once per line (a profile has many more lines than functions).
  const byFunction = f.line || f.addr ? undefined : new Int32Array(data.functionName.length).fill(-1);

  for (let l = 0; l < nLoc; l++) {
    locStart[l] = locNodes.length;
    const m = data.locationMapping[l]!;
    const objfile = m >= 0 ? data.mappingFile[m]! : '';
    const address = f.addr ? data.locationAddress[l]! : 0;
    const lineFrom = data.locationLineStart[l]!;
    const lineTo = data.locationLineStart[l + 1]!;
    if (lineFrom === lineTo) {
      locNodes.push(interner.nodeFor({ name: '', address, file: '', startLine: 0, lineno: 0, objfile }, -1));
      continue;
    }
    for (let li = lineFrom; li < lineTo; li++) {
      const fi = data.lineFunction[li]!;
      if (fi < 0) {
        locNodes.push(interner.nodeFor({ name: '', address, file: '', startLine: 0, lineno: 0, objfile }, -1));
        continue;
      }
      const name = f.fn ? data.functionName[fi]! : '';
      if (byFunction && name !== '' && byFunction[fi]! >= 0) {
        locNodes.push(byFunction[fi]!);
        continue;
      }
      const info: NodeInfo = {
        name,
        address,
        file: f.file ? cleanFiles[fi]! : '',
        startLine: 0,
        lineno: f.line ? data.lineNumber[li]! : 0,
        objfile: '',
      };
      if (name === '') {
        info.objfile = objfile;
        info.startLine = data.functionStartLine[fi]!;
      }
      const node = interner.nodeFor(info, fi);
      if (byFunction && name !== '') byFunction[fi] = node;
      locNodes.push(node);
    }
  }
  locStart[nLoc] = locNodes.length;
  return {
    granularity,
    infos: interner.infos,
    names: interner.names,
    functionIndex: Int32Array.from(interner.fnOfNode),
    locStart,
    locNodes: Int32Array.from(locNodes),
  };
}

/** pprof's NodeInfo.NameComponents: address, name, then file:line, file, [objfile] or <unknown>. */
export function nameComponents(i: NodeInfo): string[] {
  const parts: string[] = [];
  if (i.address !== 0) parts.push(i.address.toString(16).padStart(16, '0'));
  if (i.name !== '') parts.push(i.name);
  if (i.lineno !== 0) parts.push(`${i.file}:${i.lineno}`);
  else if (i.file !== '') parts.push(i.file);
  else if (i.name !== '') {
    // the name alone says enough
  } else if (i.objfile !== '') parts.push(`[${basename(i.objfile)}]`);
  else parts.push('<unknown>');
  return parts;
}

/** pprof's NodeInfo.PrintableName (NameComponents joined by a space). */
export function printableName(i: NodeInfo): string {
  return nameComponents(i).join(' ');
}

/** Go's filepath.Base. */
export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return path === '' ? '.' : '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** pprof always strips these build-sandbox prefixes from source paths (report.trimPath). */
function trimPath(path: string): string {
  for (const prefix of ['/proc/self/cwd/./', '/proc/self/cwd/']) {
    if (path.startsWith(prefix)) return path.slice(prefix.length);
  }
  return path;
}

/** Go's path.Clean (forward slashes only, as filepath.Clean on Linux). */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}
