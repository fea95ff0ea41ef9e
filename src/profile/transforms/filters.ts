// pprof's refine filters (profile/filter.go FilterSamplesByName and ShowFrom, as applied by
// driver_focus.go): focus, ignore, hide, show, show_from, as a pure ProfileData → ProfileData
// transform. Regexes are JavaScript RegExps, unanchored, as in pprof's web UI search box.
import type { ProfileData } from '../model/profile-data';

export interface RefineFilters {
  /** Keep samples with a frame that matches. */
  focus?: string;
  /** Drop samples with a frame that matches (wins over focus). */
  ignore?: string;
  /** Remove matching frames from stacks. */
  hide?: string;
  /** Keep only matching frames in stacks. */
  show?: string;
  /** Drop the frames above (callers of) the rootmost matching frame; samples without one go. */
  showFrom?: string;
  /** pprof's -noinlines: keep only the outermost frame of each location (applied after filters). */
  noInlines?: boolean;
  /** pprof's tag options (see refine.ts): keep or drop samples by label ("key=regexp" or a range). */
  tagFocus?: string;
  tagIgnore?: string;
  /** Which label keys the graph's label boxes and the -tags report show (regexps on keys). */
  tagShow?: string;
  tagHide?: string;
  /** Label keys (comma-separated) whose values become pseudo frames at the root / the leaf. */
  tagRoot?: string;
  tagLeaf?: string;
}

/** ProfileData after filters; sampleOrigin[i] is the index of sample i in the unfiltered data. */
export interface FilteredProfileData extends ProfileData {
  sampleOrigin: Int32Array;
}

export interface FilterResult {
  data: FilteredProfileData;
  /** pprof's warnings: "Focus expression matched no samples", … */
  warnings: string[];
}

export class FilterError extends Error {}

/** Compiles a filter regexp; an invalid one is an error that names the filter. */
export function compileFilter(name: string, source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (e) {
    throw new FilterError(`${name}: invalid regular expression ${JSON.stringify(source)}: ${e instanceof Error ? e.message : e}`);
  }
}

/** The active filters as pprof lists them in report headers ("focus=…", in pprof's order). */
export function activeFilterLabels(f: RefineFilters): string[] {
  const out: string[] = [];
  const add = (k: string, v: string | undefined) => {
    if (v) out.push(`${k}=${v}`);
  };
  add('focus', f.focus);
  add('ignore', f.ignore);
  add('hide', f.hide);
  add('show', f.show);
  add('show_from', f.showFrom);
  add('tagfocus', f.tagFocus);
  add('tagignore', f.tagIgnore);
  add('tagshow', f.tagShow);
  add('taghide', f.tagHide);
  return out;
}

export function hasFilters(f: RefineFilters): boolean {
  return !!(
    f.focus ||
    f.ignore ||
    f.hide ||
    f.show ||
    f.showFrom ||
    f.noInlines ||
    f.tagFocus ||
    f.tagIgnore ||
    f.tagShow ||
    f.tagHide ||
    f.tagRoot ||
    f.tagLeaf
  );
}

/** Σ |value| of a sample type: pprof's report total, which percentages refer to. */
export function profileTotal(data: ProfileData, sampleIndex: number): number {
  const v = data.values[sampleIndex];
  let t = 0;
  if (v) for (let i = 0; i < v.length; i++) t += Math.abs(v[i]!);
  return t;
}

/**
 * Applies pprof's name filters in pprof's order (FilterSamplesByName, then ShowFrom). A location
 * matches a regexp when one of its lines' function name or file name does, or its mapping's file.
 * Returns new arrays; the input is not modified.
 */
export function applyFilters(data: ProfileData, filters: RefineFilters): FilterResult {
  const focus = filters.focus ? compileFilter('focus', filters.focus) : undefined;
  const ignore = filters.ignore ? compileFilter('ignore', filters.ignore) : undefined;
  const hide = filters.hide ? compileFilter('hide', filters.hide) : undefined;
  const show = filters.show ? compileFilter('show', filters.show) : undefined;
  const showFrom = filters.showFrom ? compileFilter('show_from', filters.showFrom) : undefined;

  const nLoc = data.locationAddress.length;
  const nLines = data.lineFunction.length;
  const { locationLineStart, lineFunction, locationMapping } = data;
  const lineKeep = new Uint8Array(nLines).fill(1);
  const warnings: string[] = [];

  // Per regexp: does each function (name or file) and each mapping (file) match?
  const matcher = (re: RegExp) => {
    const fn = data.functionName.map((name, i) => re.test(name) || re.test(data.functionFile[i]!));
    const map = data.mappingFile.map((file) => re.test(file));
    const lineMatches = (li: number) => {
      const f = lineFunction[li]!;
      return f >= 0 && fn[f]!;
    };
    const mappingMatches = (l: number) => {
      const m = locationMapping[l]!;
      return m >= 0 && map[m]!;
    };
    /** Any kept line matches, or the mapping does. */
    const locMatches = (l: number) => {
      for (let li = locationLineStart[l]!; li < locationLineStart[l + 1]!; li++) {
        if (lineKeep[li] && lineMatches(li)) return true;
      }
      return mappingMatches(l);
    };
    return { lineMatches, mappingMatches, locMatches };
  };
  const keptLines = (l: number) => {
    let n = 0;
    for (let li = locationLineStart[l]!; li < locationLineStart[l + 1]!; li++) n += lineKeep[li]!;
    return n;
  };

  // The sample's stack locations, after filters: a working copy of the stacks.
  let sampleKeep = new Uint8Array(data.sampleCount).fill(1);
  const locHidden = new Uint8Array(nLoc);
  let stackEnd = data.stackStart.slice(1); // a sample's stack may be cut short at its root end (show_from)
  let anyHidden = false;

  if (focus || ignore || hide || show) {
    // 0: neither, 1: focused, 2: ignored.
    const focusOrIgnore = new Uint8Array(nLoc);
    const fm = focus ? matcher(focus) : undefined;
    const im = ignore ? matcher(ignore) : undefined;
    const hm = hide ? matcher(hide) : undefined;
    const sm = show ? matcher(show) : undefined;
    let focusMatched = false;
    let ignoreMatched = false;
    let hideMatched = false;
    let showMatched = false;
    for (let l = 0; l < nLoc; l++) {
      if (im && im.locMatches(l)) {
        ignoreMatched = true;
        focusOrIgnore[l] = 2;
      } else if (!fm || fm.locMatches(l)) {
        focusMatched = true;
        focusOrIgnore[l] = 1;
      }
      if (hm && hm.locMatches(l)) {
        hideMatched = true;
        const all = hm.mappingMatches(l);
        for (let li = locationLineStart[l]!; li < locationLineStart[l + 1]!; li++) {
          if (all || hm.lineMatches(li)) lineKeep[li] = 0;
        }
        if (keptLines(l) === 0) locHidden[l] = 1;
      }
      if (sm) {
        if (!sm.mappingMatches(l)) {
          // Lines without a function are kept, as pprof's matchedLines does.
          for (let li = locationLineStart[l]!; li < locationLineStart[l + 1]!; li++) {
            if (lineKeep[li] && lineFunction[li]! >= 0 && !sm.lineMatches(li)) lineKeep[li] = 0;
          }
        }
        if (keptLines(l) === 0) locHidden[l] = 1;
        else showMatched = true;
      }
      if (locHidden[l]) anyHidden = true;
    }
    if (focus && !focusMatched) warnings.push('Focus expression matched no samples');
    if (ignore && !ignoreMatched) warnings.push('Ignore expression matched no samples');
    if (hide && !hideMatched) warnings.push('Hide expression matched no samples');
    if (show && !showMatched) warnings.push('Show expression matched no samples');

    const { stackStart, stackLocations } = data;
    for (let s = 0; s < data.sampleCount; s++) {
      let focused = false;
      let ignored = false;
      let visible = 0;
      for (let k = stackStart[s]!; k < stackStart[s + 1]!; k++) {
        const l = stackLocations[k]!;
        const f = focusOrIgnore[l]!;
        if (f === 2) {
          ignored = true;
          break;
        }
        if (f === 1) focused = true;
        if (!locHidden[l]) visible++;
      }
      if (ignored || !focused || visible === 0) sampleKeep[s] = 0;
    }
  }

  if (showFrom) {
    const m = matcher(showFrom);
    const locMatch = new Uint8Array(nLoc);
    let matched = false;
    for (let l = 0; l < nLoc; l++) {
      if (m.mappingMatches(l)) {
        locMatch[l] = 1;
      } else {
        // Keep the lines up to the outermost (last) matching one.
        let last = -1;
        for (let li = locationLineStart[l + 1]! - 1; li >= locationLineStart[l]!; li--) {
          if (lineKeep[li] && m.lineMatches(li)) {
            last = li;
            break;
          }
        }
        if (last < 0) continue;
        locMatch[l] = 1;
        for (let li = last + 1; li < locationLineStart[l + 1]!; li++) lineKeep[li] = 0;
      }
      matched = true;
    }
    if (!matched) warnings.push('ShowFrom expression matched no samples');
    const keep = new Uint8Array(sampleKeep);
    const end = new Int32Array(stackEnd);
    const { stackStart, stackLocations } = data;
    for (let s = 0; s < data.sampleCount; s++) {
      if (!keep[s]) continue;
      let cut = -1;
      // The rootmost matching location among the frames the sample still shows.
      for (let k = stackStart[s + 1]! - 1; k >= stackStart[s]!; k--) {
        const l = stackLocations[k]!;
        if (!locHidden[l] && locMatch[l]) {
          cut = k;
          break;
        }
      }
      if (cut < 0) keep[s] = 0;
      else end[s] = cut + 1;
    }
    sampleKeep = keep;
    stackEnd = end;
  }

  if (filters.noInlines) {
    // Only the outermost remaining line of each location.
    for (let l = 0; l < nLoc; l++) {
      let last = true;
      for (let li = locationLineStart[l + 1]! - 1; li >= locationLineStart[l]!; li--) {
        if (!lineKeep[li]) continue;
        if (!last) lineKeep[li] = 0;
        last = false;
      }
    }
  }

  return { data: rebuild(data, sampleKeep, stackEnd, anyHidden ? locHidden : undefined, lineKeep), warnings };
}

/** The samples of data that `keep` marks, stacks and lines unchanged (sampleOrigin composed). */
export function keepSamples(data: ProfileData & { sampleOrigin?: Int32Array }, keep: Uint8Array): FilteredProfileData {
  return rebuild(data, keep, data.stackStart.slice(1), undefined, new Uint8Array(data.lineFunction.length).fill(1));
}

function rebuild(
  data: ProfileData & { sampleOrigin?: Int32Array },
  sampleKeep: Uint8Array,
  stackEnd: Int32Array,
  locHidden: Uint8Array | undefined,
  lineKeep: Uint8Array,
): FilteredProfileData {
  const nLoc = data.locationAddress.length;
  // Lines.
  let nLines = 0;
  for (let i = 0; i < lineKeep.length; i++) nLines += lineKeep[i]!;
  const locationLineStart = new Int32Array(nLoc + 1);
  const lineFunction = new Int32Array(nLines);
  const lineNumber = new Float64Array(nLines);
  const lineColumn = new Float64Array(nLines);
  let li = 0;
  for (let l = 0; l < nLoc; l++) {
    locationLineStart[l] = li;
    for (let o = data.locationLineStart[l]!; o < data.locationLineStart[l + 1]!; o++) {
      if (!lineKeep[o]) continue;
      lineFunction[li] = data.lineFunction[o]!;
      lineNumber[li] = data.lineNumber[o]!;
      lineColumn[li] = data.lineColumn[o]!;
      li++;
    }
  }
  locationLineStart[nLoc] = li;

  // Samples.
  let nSamples = 0;
  let nFrames = 0;
  for (let s = 0; s < data.sampleCount; s++) {
    if (!sampleKeep[s]) continue;
    nSamples++;
    for (let k = data.stackStart[s]!; k < stackEnd[s]!; k++) if (!locHidden || !locHidden[data.stackLocations[k]!]) nFrames++;
  }
  const stackStart = new Int32Array(nSamples + 1);
  const stackLocations = new Int32Array(nFrames);
  const values = data.values.map(() => new Float64Array(nSamples));
  const sampleOrigin = new Int32Array(nSamples);
  const labels = data.labels.map((l) => ({ key: l.key, values: new Array<string>(nSamples) }));
  let si = 0;
  let fi = 0;
  for (let s = 0; s < data.sampleCount; s++) {
    if (!sampleKeep[s]) continue;
    stackStart[si] = fi;
    for (let k = data.stackStart[s]!; k < stackEnd[s]!; k++) {
      const l = data.stackLocations[k]!;
      if (!locHidden || !locHidden[l]) stackLocations[fi++] = l;
    }
    for (let t = 0; t < values.length; t++) values[t]![si] = data.values[t]![s]!;
    for (let k = 0; k < labels.length; k++) labels[k]!.values[si] = data.labels[k]!.values[s]!;
    sampleOrigin[si] = data.sampleOrigin ? data.sampleOrigin[s]! : s;
    si++;
  }
  stackStart[nSamples] = fi;

  return {
    ...data,
    locationLineStart,
    lineFunction,
    lineNumber,
    lineColumn,
    sampleCount: nSamples,
    stackStart,
    stackLocations,
    values,
    labels,
    sampleOrigin,
  };
}
