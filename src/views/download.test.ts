import { describe, expect, it } from 'vitest';
import { exportName } from './download';

describe('export file names', () => {
  it('are what every file system and shell take: no spaces, "·", ":" or "/"', () => {
    expect(exportName('goapp · CPU')).toBe('goapp-cpu');
    expect(exportName('go-cpu.pb.gz')).toBe('go-cpu');
    expect(exportName('cpu.pprof vs old cpu.pb')).toBe('cpu-vs-old-cpu');
    expect(exportName('checkout · CPU 10:00:00–10:30:00 vs checkout · CPU 09:00:00–09:30:00')).toBe(
      'checkout-cpu-10-00-00-10-30-00-vs-checkout-cpu-09-00-00-09-30-00',
    );
    expect(exportName('../etc/passwd')).toBe('etc-passwd');
    expect(exportName(' · ')).toBe('profile');
  });
});
