// Profile type IDs (`name:sample_type:sample_unit:period_type:period_unit`) and the names people
// know them by.

export interface ProfileTypeId {
  id: string;
  name: string;
  sampleType: string;
  sampleUnit: string;
  periodType: string;
  periodUnit: string;
}

export function parseProfileTypeId(id: string): ProfileTypeId {
  const [name = '', sampleType = '', sampleUnit = '', periodType = '', periodUnit = ''] = id.split(':');
  return { id, name, sampleType, sampleUnit, periodType, periodUnit };
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
  return FRIENDLY[`${t.name}:${t.sampleType}`] ?? `${t.name} ${t.sampleType}`.replace(/_/g, ' ');
}
