// Profile type IDs (`name:sample_type:sample_unit:period_type:period_unit`) and the names people
// know them by.

export interface ProfileTypeId {
  /** `<name>:<sampleType>:<sampleUnit>:<periodType>:<periodUnit>` */
  id: string;
  name: string;
  sampleType: string;
  sampleUnit: string;
  periodType: string;
  periodUnit: string;
}

/**
 * A profile type ID as Pyroscope accepts it (five parts, or six ending in `:delta`; name and
 * sample type not empty), or undefined when it is not one.
 */
export function parseProfileTypeId(id: string): ProfileTypeId | undefined {
  const parts = id.split(':');
  if (parts.length !== 5 && !(parts.length === 6 && parts[5] === 'delta')) return undefined;
  if (!parts[0] || !parts[1]) return undefined;
  const [name = '', sampleType = '', sampleUnit = '', periodType = '', periodUnit = ''] = parts;
  return { id: parts.slice(0, 5).join(':'), name, sampleType, sampleUnit, periodType, periodUnit };
}

const FRIENDLY: Record<string, string> = {
  'process_cpu:cpu': 'CPU',
  'process_cpu:samples': 'CPU samples',
  'memory:alloc_space': 'Memory alloc space',
  'memory:alloc_objects': 'Memory alloc objects',
  'memory:inuse_space': 'Memory inuse space',
  'memory:inuse_objects': 'Memory inuse objects',
  'memory:alloc_in_new_tlab_bytes': 'Memory alloc (TLAB) space',
  'memory:alloc_in_new_tlab_objects': 'Memory alloc (TLAB) objects',
  'goroutine:goroutine': 'Goroutines',
  'goroutines:goroutine': 'Goroutines',
  'mutex:contentions': 'Mutex contentions',
  'mutex:delay': 'Mutex delay',
  'block:contentions': 'Block contentions',
  'block:delay': 'Block delay',
  'wall:wall': 'Wall',
  'wall:cpu': 'Wall CPU',
  'exceptions:exceptions': 'Exceptions',
};

export function friendlyProfileType(id: string): string {
  const t = parseProfileTypeId(id);
  if (!t) return id;
  return FRIENDLY[`${t.name}:${t.sampleType}`] ?? `${t.name} ${t.sampleType}`.replace(/_/g, ' ');
}
