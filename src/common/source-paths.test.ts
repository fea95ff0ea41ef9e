import { describe, expect, it } from 'vitest';
import { SourceSuffixIndex, sourcePathParts, sourcePathSuffixes } from './source-paths';

describe('source paths', () => {
  it('reads a profile’s file name as parts, refusing any ".." part', () => {
    expect(sourcePathParts('/proc/self/cwd/./app/./x.go')).toEqual(['app', 'x.go']);
    expect(sourcePathParts('C:\\build\\app\\x.go')).toEqual(['build', 'app', 'x.go']);
    expect(sourcePathParts('app/../x.go')).toBeUndefined();
    expect(sourcePathSuffixes('flamelens.dev/profgen/cpu.go')).toEqual([
      'flamelens.dev/profgen/cpu.go',
      'profgen/cpu.go',
      'cpu.go',
    ]);
    expect(sourcePathSuffixes('../etc/passwd')).toEqual([]);
  });

  it('finds the file sharing the most trailing parts, then the one nearest the folder', () => {
    const index = new SourceSuffixIndex<number>([
      ['repo/vendor/lib/util.go', 1],
      ['repo/pkg/util.go', 2],
      ['repo/util.go', 3],
      ['repo/cmd/main.go', 4],
    ]);
    expect(index.find('github.com/x/repo/pkg/util.go')?.value).toBe(2);
    expect(index.find('/home/ci/lib/util.go')?.value).toBe(1);
    expect(index.find('/somewhere/else/util.go')).toMatchObject({ value: 3, shared: 1 });
    expect(index.find('/x/main.go')).toMatchObject({ path: 'repo/cmd/main.go', shared: 1 });
    expect(index.find('missing.go')).toBeUndefined();
    expect(index.find('repo/../util.go')).toBeUndefined();
    expect(index.size).toBe(4);
  });
});
