// Every refine option in pprof's order (driver.go generateRawReport, then applyFocus): tagroot and
// tagleaf first, so that the name filters see their pseudo frames; focus, ignore, hide, show and
// show_from; tagfocus and tagignore on the samples left; tagshow and taghide last.
import type { ProfileData } from '../model/profile-data';
import { type SampleLabelsAt, labelReader, numLabelUnits } from '../model/label-table';
import { type FilterResult, type RefineFilters, applyFilters, compileFilter, keepSamples } from './filters';
import { compileTagFilter } from './tag-filter';
import { addTagFrames } from './tag-frames';
import { applyTagShow } from './tag-show';

export interface RefineOptions {
  /** Numeric label units (numLabelUnits); a diff passes those of both sides. */
  units?: Map<string, string>;
  /** A label every sample also has: a diff's baseline has pprof::base=true, as in pprof. */
  extraLabel?: [string, string];
}

/** pprof's refine options applied to a profile; the input is not modified. */
export function refineProfile(data: ProfileData, filters: RefineFilters, opts: RefineOptions = {}): FilterResult {
  const extra = opts.extraLabel;
  const framed = addTagFrames(data, filters.tagRoot, filters.tagLeaf, extra);
  const named = applyFilters(framed.data, filters);
  const warnings = [...framed.warnings, ...named.warnings];
  let out = named.data;

  if (filters.tagFocus || filters.tagIgnore) {
    const units = opts.units ?? numLabelUnits(data.sampleLabels);
    const table = data.sampleLabels;
    const focus = filters.tagFocus ? compileTagFilter('tagfocus', filters.tagFocus, table, units) : undefined;
    const ignore = filters.tagIgnore ? compileTagFilter('tagignore', filters.tagIgnore, table, units) : undefined;
    const read = labelReader(out);
    const withExtra = (l: SampleLabelsAt): SampleLabelsAt =>
      extra ? { ...l, keys: [...l.keys, extra[0]], values: [...l.values, extra[1]] } : l;
    const keep = new Uint8Array(out.sampleCount);
    let focusMatched = false;
    let ignoreMatched = false;
    for (let i = 0; i < out.sampleCount; i++) {
      const l = withExtra(read(i));
      const focused = focus ? focus(l) : true;
      const ignored = ignore ? ignore(l) : false;
      focusMatched ||= focused;
      ignoreMatched ||= ignored;
      keep[i] = focused && !ignored ? 1 : 0;
    }
    if (focus && !focusMatched) warnings.push('TagFocus expression matched no samples');
    if (ignore && !ignoreMatched) warnings.push('TagIgnore expression matched no samples');
    out = keepSamples(out, keep);
  }

  if (filters.tagShow || filters.tagHide) {
    const show = filters.tagShow ? compileFilter('tagshow', filters.tagShow) : undefined;
    const hide = filters.tagHide ? compileFilter('taghide', filters.tagHide) : undefined;
    const shown = applyTagShow(out, show, hide);
    warnings.push(...shown.warnings);
    out = { ...out, ...shown.data };
  }
  return { data: out, warnings };
}
