import type { Profile } from 'pprof-format';
import type { TopColumns } from '../../src/profile/model/session';

/**
 * An independent check that the model being timed computes the right thing, so that a wrong
 * model cannot look fast. From pprof-format's decode alone (no code of src/profile), it sums the
 * sample values, and each function's flat (leaf frame) and cum (once per sample, even when the
 * function recurs), and compares them with the top table Flamelens produced.
 */
export interface SanityResult {
  ok: boolean;
  problems: string[];
  /** Σ value per sample type, from the decode. */
  totals: number[];
  rowsChecked: number;
}

export function checkTopAgainstDecode(p: Profile, sampleIndex: number, top: TopColumns, expectedTotals?: number[]): SanityResult {
  const problems: string[] = [];
  const strings = p.stringTable.strings;
  const nTypes = p.sampleType.length;
  const totals = new Array<number>(nTypes).fill(0);

  const fnDense = new Map<number, number>();
  const fnNames: string[] = [];
  for (const f of p.function) {
    fnDense.set(Number(f.id), fnNames.length);
    fnNames.push(strings[Number(f.name)] ?? '');
  }
  // Per location: its functions, innermost first.
  const locFns = new Map<number, number[]>();
  for (const l of p.location)
    locFns.set(
      Number(l.id),
      l.line.map((ln) => fnDense.get(Number(ln.functionId)) ?? -1),
    );

  const flat = new Float64Array(fnNames.length);
  const cum = new Float64Array(fnNames.length);
  const stamp = new Int32Array(fnNames.length).fill(-1);
  for (let i = 0; i < p.sample.length; i++) {
    const s = p.sample[i]!;
    for (let t = 0; t < nTypes; t++) totals[t]! += Math.abs(Number(s.value[t]));
    const v = Number(s.value[sampleIndex]);
    if (v === 0) continue;
    let leafDone = false;
    for (const id of s.locationId) {
      const fns = locFns.get(Number(id));
      if (!fns) {
        problems.push(`sample ${i} refers to missing location ${id}`);
        continue;
      }
      for (const f of fns) {
        if (f < 0) continue;
        if (!leafDone) {
          flat[f]! += v;
          leafDone = true;
        }
        if (stamp[f] !== i) {
          stamp[f] = i;
          cum[f]! += v;
        }
      }
    }
  }

  if (expectedTotals) {
    for (let t = 0; t < nTypes; t++) {
      if (totals[t] !== expectedTotals[t])
        problems.push(`Σ values of type ${t}: decode ${totals[t]}, generator ${expectedTotals[t]}`);
    }
  }
  if (top.total !== totals[sampleIndex]) {
    problems.push(`top total ${top.total} ≠ Σ sample values ${totals[sampleIndex]} (sample type ${sampleIndex})`);
  }
  let flatSum = 0;
  for (let r = 0; r < top.flat.length; r++) flatSum += top.flat[r]!;
  if (flatSum !== totals[sampleIndex]) problems.push(`Σ flat of the top rows ${flatSum} ≠ total ${totals[sampleIndex]}`);

  const byName = new Map<string, number>();
  fnNames.forEach((n, f) => byName.set(n, f));
  let expectedRows = 0;
  for (let f = 0; f < fnNames.length; f++) if (flat[f] !== 0 || cum[f] !== 0) expectedRows++;
  if (top.names.length !== expectedRows) problems.push(`top has ${top.names.length} rows, expected ${expectedRows}`);
  let rowsChecked = 0;
  for (let r = 0; r < top.names.length && problems.length < 20; r++) {
    const f = byName.get(top.names[r]!);
    if (f === undefined) {
      problems.push(`top row "${top.names[r]}" is no function of the profile`);
      continue;
    }
    if (top.flat[r] !== flat[f] || top.cum[r] !== cum[f]) {
      problems.push(`${top.names[r]}: top flat/cum ${top.flat[r]}/${top.cum[r]}, decode ${flat[f]}/${cum[f]}`);
    }
    rowsChecked++;
  }
  return { ok: problems.length === 0, problems, totals, rowsChecked };
}
