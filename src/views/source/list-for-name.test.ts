import { describe, expect, it } from 'vitest';
import { functionOfNode, listForNode } from './list-for-name';

describe('the Source view’s regexp for another view’s node', () => {
  it('takes the function out of the node’s name at each granularity, and quotes it', () => {
    expect(listForNode('main.(*parser).expr', 'functions')).toBe('^main\\.\\(\\*parser\\)\\.expr$');
    expect(functionOfNode('main.fib flamelens.dev/profgen/cpu.go', 'filefunctions')).toBe('main.fib');
    expect(functionOfNode('main.fib flamelens.dev/profgen/cpu.go:120', 'lines')).toBe('main.fib');
    expect(functionOfNode('0000000000401000 main.fib cpu.go:120', 'addresses')).toBe('main.fib');
    // No file part: the whole name, spaces and all.
    expect(functionOfNode('app/server.py:42 - handle', 'lines')).toBe('app/server.py:42 - handle');
    expect(functionOfNode('operator new', 'filefunctions')).toBe('operator new');
  });

  it('has none for what is not a function', () => {
    expect(listForNode('cpu.go', 'files')).toBeUndefined();
    expect(listForNode('<unknown>', 'functions')).toBeUndefined();
    expect(listForNode('[libc.so.6]', 'functions')).toBeUndefined();
  });
});
