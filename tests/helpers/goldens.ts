// Loads pprof's synthetic test profiles (testdata/pprof/synthetic-profiles.json)
// as pprof-format Profiles, and reads the goldens made from them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Profile, StringTable } from 'pprof-format';
import { TESTDATA } from './corpus';

export const GOLDENS_DIR = join(TESTDATA, 'pprof');
export const DRIVER_GOLDENS = join(GOLDENS_DIR, 'goldens', 'driver');

interface JsonProfile {
  sampleType: { type: string; unit: string }[];
  periodType?: { type: string; unit: string };
  period: number;
  durationNanos: number;
  timeNanos: number;
  comments: string[];
  dropFrames: string;
  keepFrames: string;
  defaultSampleType: string;
  docUrl?: string;
  mappings: {
    id: number;
    start: number;
    limit: number;
    offset: number;
    file: string;
    buildId: string;
    hasFunctions?: boolean;
    hasFilenames?: boolean;
    hasLineNumbers?: boolean;
    hasInlineFrames?: boolean;
  }[];
  functions: { id: number; name: string; systemName: string; filename: string; startLine: number }[];
  locations: {
    id: number;
    mappingId: number;
    address: number;
    isFolded?: boolean;
    lines: { functionId: number; line: number; column?: number }[];
  }[];
  samples: {
    locationIds: number[];
    values: number[];
    labels: Record<string, string[]>;
    numLabels: Record<string, number[]>;
    numUnits: Record<string, string[]>;
  }[];
}

let cache: Record<string, Record<string, JsonProfile>> | undefined;

export function goldensAvailable(): boolean {
  return existsSync(join(GOLDENS_DIR, 'synthetic-profiles.json'));
}

function json(): Record<string, Record<string, JsonProfile>> {
  cache ??= JSON.parse(readFileSync(join(GOLDENS_DIR, 'synthetic-profiles.json'), 'utf8')) as Record<
    string,
    Record<string, JsonProfile>
  >;
  return cache;
}

/** A synthetic profile as pprof's report code sees it (`effective.<name>` unless told otherwise). */
export function syntheticProfile(name: string, variant: 'effective' | 'effective_all_frames' | 'raw' = 'effective'): Profile {
  const src = json()[variant]?.[name];
  if (!src) throw new Error(`no synthetic profile ${variant}.${name}`);
  const st = new StringTable();
  const s = (v: string) => st.dedup(v);
  return new Profile({
    sampleType: src.sampleType.map((t) => ({ type: s(t.type), unit: s(t.unit) })),
    periodType: src.periodType ? { type: s(src.periodType.type), unit: s(src.periodType.unit) } : undefined,
    period: src.period,
    durationNanos: src.durationNanos,
    timeNanos: src.timeNanos,
    comment: src.comments.map(s),
    dropFrames: s(src.dropFrames),
    keepFrames: s(src.keepFrames),
    defaultSampleType: s(src.defaultSampleType),
    docUrl: s(src.docUrl ?? ''),
    mapping: src.mappings.map((m) => ({
      id: m.id,
      memoryStart: m.start,
      memoryLimit: m.limit,
      fileOffset: m.offset,
      filename: s(m.file),
      buildId: s(m.buildId),
      hasFunctions: m.hasFunctions ?? false,
      hasFilenames: m.hasFilenames ?? false,
      hasLineNumbers: m.hasLineNumbers ?? false,
      hasInlineFrames: m.hasInlineFrames ?? false,
    })),
    function: src.functions.map((f) => ({
      id: f.id,
      name: s(f.name),
      systemName: s(f.systemName),
      filename: s(f.filename),
      startLine: f.startLine,
    })),
    location: src.locations.map((l) => ({
      id: l.id,
      mappingId: l.mappingId,
      address: l.address,
      isFolded: l.isFolded ?? false,
      line: l.lines.map((ln) => ({ functionId: ln.functionId, line: ln.line, column: ln.column ?? 0 })),
    })),
    sample: src.samples.map((smp) => {
      const label: { key: number; str?: number; num?: number; numUnit?: number }[] = [];
      for (const key of Object.keys(smp.labels).sort()) {
        for (const v of smp.labels[key]!) label.push({ key: s(key), str: s(v) });
      }
      for (const key of Object.keys(smp.numLabels).sort()) {
        const units = smp.numUnits[key] ?? [];
        smp.numLabels[key]!.forEach((v, i) => label.push({ key: s(key), num: v, numUnit: s(units[i] ?? '') }));
      }
      return { locationId: smp.locationIds, value: smp.values, label };
    }),
    stringTable: st,
  });
}

export function readDriverGolden(file: string): string {
  return readFileSync(join(DRIVER_GOLDENS, file), 'utf8');
}
