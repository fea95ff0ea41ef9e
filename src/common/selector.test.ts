import { describe, expect, it } from 'vitest';
import { SelectorError, formatSelector, parseSelector } from './selector';

describe('label selectors', () => {
  it('parses every operator and round-trips', () => {
    const text = '{service_name="checkout", pod=~"checkout-.*", namespace!="dev", container!~"side.*"}';
    const m = parseSelector(text);
    expect(m).toEqual([
      { name: 'service_name', op: '=', value: 'checkout' },
      { name: 'pod', op: '=~', value: 'checkout-.*' },
      { name: 'namespace', op: '!=', value: 'dev' },
      { name: 'container', op: '!~', value: 'side.*' },
    ]);
    expect(formatSelector(m)).toBe(text);
  });

  it('escapes quotes and backslashes in values', () => {
    const m = [{ name: 'pod', op: '=' as const, value: 'a"b\\c<script>' }];
    const text = formatSelector(m);
    expect(text).toBe('{pod="a\\"b\\\\c<script>"}');
    expect(parseSelector(text)).toEqual(m);
  });

  it('accepts an empty selector and whitespace', () => {
    expect(parseSelector('{}')).toEqual([]);
    expect(parseSelector('  { a = "1" ,b="2" }  ')).toHaveLength(2);
  });

  it.each(['service_name="x"', '{a="1"', '{a=1}', '{a~"1"}', '{a="1"} x', '{a=~"("}', '{9a="1"}'])(
    'rejects %s with a position',
    (bad) => {
      expect(() => parseSelector(bad)).toThrow(SelectorError);
      expect(() => parseSelector(bad)).toThrow(/position \d+/);
    },
  );
});
