// Merged stacks → a google.v1.Profile message with one sample type.
import { create, toBinary } from '@bufbuild/protobuf';
import {
  ProfileSchema,
  type Label,
  type Profile,
  type Location,
  type Function as PFunction,
  type Mapping,
  type Sample,
} from '../../src/api/gen/google/v1/profile_pb';
import type { ProfileTypeInfo } from '../ingest/pprof';
import type { SampleLabel } from '../ingest/prepare';
import { Slicer } from '../slice';
import type { ProfileStore } from '../storage/store';
import { toInt64 } from './int64';
import type { MergedStacks } from './merge';

class Strings {
  readonly table: string[] = [''];
  private index = new Map<string, number>([['', 0]]);
  id(s: string): bigint {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.table.length;
      this.table.push(s);
      this.index.set(s, i);
    }
    return BigInt(i);
  }
}

export async function buildPprof(
  store: ProfileStore,
  merged: MergedStacks,
  type: ProfileTypeInfo,
  startMs: number,
  endMs: number,
  slicer = new Slicer(),
): Promise<Profile> {
  const strings = new Strings();
  const sampleType = [{ type: strings.id(type.sampleType), unit: strings.id(type.sampleUnit) }];
  const periodType = { type: strings.id(type.periodType), unit: strings.id(type.periodUnit) };
  const mappings: Mapping[] = [];
  const mappingIds = new Map<string, bigint>();
  const functions: PFunction[] = [];
  const functionIds = new Map<string, bigint>();
  const locations: Location[] = [];
  const locationIds = new Map<string, bigint>();
  const samples: Sample[] = [];
  // With several scopes the same stack can appear in each: merge by the output location ids.
  const multiScope = merged.byScope.size > 1;
  const sampleByStack = new Map<string, Sample>();

  const mappingId = (file: string, buildId: string): bigint => {
    if (!file && !buildId) return 0n;
    const key = `${file}\u0000${buildId}`;
    let id = mappingIds.get(key);
    if (id === undefined) {
      id = BigInt(mappings.length + 1);
      mappingIds.set(key, id);
      mappings.push({
        $typeName: 'google.v1.Mapping',
        id,
        memoryStart: 0n,
        memoryLimit: 0n,
        fileOffset: 0n,
        filename: strings.id(file),
        buildId: strings.id(buildId),
        hasFunctions: true,
        hasFilenames: false,
        hasLineNumbers: false,
        hasInlineFrames: false,
      });
    }
    return id;
  };
  const functionId = (name: string, systemName: string, filename: string, startLine: number): bigint => {
    const key = `${name}\u0000${systemName}\u0000${filename}\u0000${startLine}`;
    let id = functionIds.get(key);
    if (id === undefined) {
      id = BigInt(functions.length + 1);
      functionIds.set(key, id);
      functions.push({
        $typeName: 'google.v1.Function',
        id,
        name: strings.id(name),
        systemName: strings.id(systemName),
        filename: strings.id(filename),
        startLine: BigInt(startLine),
      });
    }
    return id;
  };

  // A label set's pprof labels, made once per set.
  const labelCache = new Map<string, Label[]>();
  const labelsOf = (set: string): Label[] => {
    let out = labelCache.get(set);
    if (!out) {
      out = (JSON.parse(set) as SampleLabel[]).map((l) =>
        l.length === 2
          ? { $typeName: 'google.v1.Label', key: strings.id(l[0]), str: strings.id(l[1]), num: 0n, numUnit: 0n }
          : { $typeName: 'google.v1.Label', key: strings.id(l[0]), str: 0n, num: toInt64(l[1]), numUnit: strings.id(l[2]) },
      );
      labelCache.set(set, out);
    }
    return out;
  };

  for (const [scopeId, values] of merged.byScope) {
    const scope = store.scope(scopeId);
    const outLocation = new Array<bigint | undefined>(scope.locationCount);
    const locationOf = (loc: number): bigint => {
      let id = outLocation[loc];
      if (id !== undefined) return id;
      const f = scope.frames[loc]!; // a location of the scope's own nodes
      const key = JSON.stringify([f.lines.length ? '' : f.mappingFile, f.lines.length ? '' : f.buildId, f.address, f.lines]);
      id = locationIds.get(key);
      if (id === undefined) {
        id = BigInt(locations.length + 1);
        locationIds.set(key, id);
        locations.push({
          $typeName: 'google.v1.Location',
          id,
          mappingId: mappingId(f.mappingFile, f.buildId),
          address: BigInt(f.address),
          isFolded: false,
          line: f.lines.map((l) => ({
            $typeName: 'google.v1.Line' as const,
            functionId: functionId(l.name, l.systemName, l.filename, l.startLine),
            line: BigInt(l.line),
          })),
        });
      }
      outLocation[loc] = id;
      return id;
    };
    // Node ids, their parents and locations index the scope's own tables: valid by construction.
    const { parent, location } = scope;
    const labelledHere = merged.labelled?.get(scopeId);
    const emit = (stack: bigint[], v: number, labels: Label[], labelKey: string) => {
      if (multiScope) {
        const key = `${stack.join(',')}|${labelKey}`;
        const existing = sampleByStack.get(key);
        if (existing) {
          existing.value[0] = toInt64(Number(existing.value[0]!) + v);
          return;
        }
        const s: Sample = { $typeName: 'google.v1.Sample', locationId: stack, value: [toInt64(v)], label: labels };
        sampleByStack.set(key, s);
        samples.push(s);
      } else samples.push({ $typeName: 'google.v1.Sample', locationId: stack, value: [toInt64(v)], label: labels });
    };
    for (let node = 0; node < values.length; node++) {
      const v = values[node]!;
      if (v === 0) continue;
      if ((node & 1023) === 0) await slicer.tick();
      const stack: bigint[] = [];
      for (let n = node; n !== 0; n = parent[n]!) stack.push(locationOf(location[n]!));
      // A stack's samples with labels come back one per label set; the rest of its value without.
      let rest = v;
      const bySet = labelledHere?.get(node);
      if (bySet) {
        for (const [set, part] of bySet) {
          if (part === 0) continue;
          emit(stack, part, labelsOf(set), set);
          rest -= part;
        }
      }
      if (rest !== 0) emit(stack, rest, [], '');
    }
  }

  return create(ProfileSchema, {
    sampleType,
    sample: samples,
    mapping: mappings,
    location: locations,
    function: functions,
    dropFrames: strings.id(merged.dropFrames),
    keepFrames: strings.id(merged.keepFrames),
    timeNanos: BigInt(startMs) * 1_000_000n,
    durationNanos: BigInt(Math.max(0, endMs - startMs)) * 1_000_000n,
    periodType,
    period: toInt64(merged.period),
    stringTable: strings.table,
  });
}

/** Elements of a repeated field encoded per slice. */
const ENCODE_CHUNK = 2048;

/**
 * The binary encoding of a pprof, in slices: a message's encoding is the concatenation of the
 * encodings of messages that each hold part of its repeated fields (protobuf merges them), so the
 * large tables are encoded a chunk at a time with turns of the event loop between.
 */
export async function encodePprofSliced(p: Profile, slicer = new Slicer()): Promise<Uint8Array> {
  const parts: Uint8Array[] = [
    toBinary(
      ProfileSchema,
      create(ProfileSchema, { ...p, sample: [], mapping: [], location: [], function: [], stringTable: [] }),
    ),
  ];
  const fields = [
    ['sample', p.sample],
    ['mapping', p.mapping],
    ['location', p.location],
    ['function', p.function],
    ['stringTable', p.stringTable],
  ] as const;
  for (const [field, items] of fields) {
    for (let i = 0; i < items.length; i += ENCODE_CHUNK) {
      parts.push(toBinary(ProfileSchema, create(ProfileSchema, { [field]: items.slice(i, i + ENCODE_CHUNK) })));
      await slicer.tick();
    }
  }
  return Buffer.concat(parts);
}
