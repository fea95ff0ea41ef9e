import { gzipSync } from 'fflate';
import { Function as PFunction, Label, Line, Location, Mapping, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import type { ProfileData } from '../model/profile-data';

/**
 * Re-encodes a profile as pprof (gzipped) with pprof-format: sample types, samples with their
 * labels (as string labels), locations with inlined lines, functions and mappings.
 */
export function encodeProfileData(d: ProfileData): Uint8Array {
  const st = new StringTable();
  const s = (x: string) => st.dedup(x);
  const profile = new Profile({
    sampleType: d.sampleTypes.map((t) => new ValueType({ type: s(t.type), unit: s(t.unit) })),
    periodType: d.periodType ? new ValueType({ type: s(d.periodType.type), unit: s(d.periodType.unit) }) : undefined,
    period: d.period,
    timeNanos: d.timeNanos,
    durationNanos: d.durationNanos,
    comment: d.comments.map(s),
    defaultSampleType: d.sampleTypes[d.defaultSampleIndex] ? s(d.sampleTypes[d.defaultSampleIndex]!.type) : 0,
    dropFrames: d.dropFrames ? s(d.dropFrames) : 0,
    keepFrames: d.keepFrames ? s(d.keepFrames) : 0,
    stringTable: st,
    mapping: d.mappingFile.map((file, i) => new Mapping({ id: i + 1, filename: s(file), buildId: s(d.mappingBuildId[i] ?? '') })),
    function: d.functionName.map(
      (name, i) =>
        new PFunction({
          id: i + 1,
          name: s(name),
          systemName: s(d.functionSystemName[i] ?? ''),
          filename: s(d.functionFile[i] ?? ''),
          startLine: d.functionStartLine[i] ?? 0,
        }),
    ),
  });
  for (let l = 0; l < d.locationAddress.length; l++) {
    const lines: Line[] = [];
    for (let li = d.locationLineStart[l]!; li < d.locationLineStart[l + 1]!; li++) {
      const fi = d.lineFunction[li]!;
      lines.push(new Line({ functionId: fi < 0 ? 0 : fi + 1, line: d.lineNumber[li]!, column: d.lineColumn[li]! }));
    }
    const m = d.locationMapping[l]!;
    profile.location.push(new Location({ id: l + 1, mappingId: m < 0 ? 0 : m + 1, address: d.locationAddress[l]!, line: lines }));
  }
  const labelKeys = d.labels.map((l) => s(l.key));
  for (let i = 0; i < d.sampleCount; i++) {
    const locationId: number[] = [];
    for (let k = d.stackStart[i]!; k < d.stackStart[i + 1]!; k++) locationId.push(d.stackLocations[k]! + 1);
    const label: Label[] = [];
    d.labels.forEach((l, k) => {
      const v = l.values[i];
      if (v) label.push(new Label({ key: labelKeys[k]!, str: s(v) }));
    });
    profile.sample.push(new Sample({ locationId, value: d.values.map((v) => v[i]!), label }));
  }
  return gzipSync(profile.encode());
}
