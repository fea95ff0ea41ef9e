// Number formatting exactly as `go tool pprof` prints it (internal/measurement and
// internal/report), so that the app's numbers can be compared with pprof's text output.

interface Unit {
  name: string;
  aliases: string[];
  factor: number;
}
interface UnitType {
  units: Unit[];
  defaultUnit: Unit;
}

const UNIT_TYPES: UnitType[] = [
  {
    units: [
      { name: 'B', aliases: ['b', 'byte'], factor: 1 },
      { name: 'kB', aliases: ['kb', 'kbyte', 'kilobyte'], factor: 2 ** 10 },
      { name: 'MB', aliases: ['mb', 'mbyte', 'megabyte'], factor: 2 ** 20 },
      { name: 'GB', aliases: ['gb', 'gbyte', 'gigabyte'], factor: 2 ** 30 },
      { name: 'TB', aliases: ['tb', 'tbyte', 'terabyte'], factor: 2 ** 40 },
      { name: 'PB', aliases: ['pb', 'pbyte', 'petabyte'], factor: 2 ** 50 },
    ],
    defaultUnit: { name: 'B', aliases: ['b', 'byte'], factor: 1 },
  },
  {
    units: [
      { name: 'ns', aliases: ['ns', 'nanosecond'], factor: 1 },
      { name: 'us', aliases: ['μs', 'us', 'microsecond'], factor: 1e3 },
      { name: 'ms', aliases: ['ms', 'millisecond'], factor: 1e6 },
      { name: 's', aliases: ['s', 'sec', 'second'], factor: 1e9 },
      { name: 'hrs', aliases: ['hour', 'hr'], factor: 3600e9 },
    ],
    defaultUnit: { name: 's', aliases: [], factor: 1e9 },
  },
  {
    units: [
      { name: 'n*GCU', aliases: ['nanogcu'], factor: 0.001 },
      { name: 'u*GCU', aliases: ['microgcu'], factor: 1 },
      { name: 'm*GCU', aliases: ['milligcu'], factor: 1000 },
      { name: 'GCU', aliases: ['gcu'], factor: 1e6 },
      { name: 'k*GCU', aliases: ['kilogcu'], factor: 1e9 },
      { name: 'M*GCU', aliases: ['megagcu'], factor: 1e12 },
      { name: 'G*GCU', aliases: ['gigagcu'], factor: 1e15 },
      { name: 'T*GCU', aliases: ['teragcu'], factor: 1e18 },
      { name: 'P*GCU', aliases: ['petagcu'], factor: 1e21 },
    ],
    defaultUnit: { name: 'GCU', aliases: [], factor: 1e6 },
  },
];

function sniffUnit(type: UnitType, unit: string): Unit | undefined {
  let u = unit.toLowerCase();
  if (u.length > 2) u = u.replace(/s$/, '');
  return type.units.find((x) => x.aliases.includes(u));
}

function autoScale(type: UnitType, value: number): [number, string] | undefined {
  let f = 0;
  let name = '';
  for (const u of type.units) {
    if (u.factor >= f && value / u.factor >= 1) {
      f = u.factor;
      name = u.name;
    }
  }
  return f === 0 ? undefined : [value / f, name];
}

/** measurement.Scale: converts `value` in `fromUnit` to `toUnit` ("minimum"/"auto" pick the best unit). */
export function scaleValue(value: number, fromUnit: string, toUnit: string): [number, string] {
  if (value < 0) {
    const [v, u] = scaleValue(-value, fromUnit, toUnit);
    return [-v, u];
  }
  for (const type of UNIT_TYPES) {
    const from = sniffUnit(type, fromUnit);
    if (!from) continue;
    const v = value * from.factor;
    if (toUnit === 'minimum' || toUnit === 'auto') {
      return autoScale(type, v) ?? [v / type.defaultUnit.factor, type.defaultUnit.name];
    }
    const to = sniffUnit(type, toUnit);
    if (!to) return [v / type.defaultUnit.factor, type.defaultUnit.name];
    return [v / to.factor, to.name];
  }
  if (['count', 'sample', 'unit', 'minimum', 'auto'].includes(toUnit)) return [value, ''];
  return [value, toUnit];
}

/**
 * A name of `unit` that pprof's tag ranges read ("32kb": ASCII letters only) as the same unit,
 * its short name when it can ("bytes" → "B"), or '' when pprof knows no such unit (a bare number
 * then compares with such a key's values).
 */
export function unitAlias(unit: string): string {
  for (const type of UNIT_TYPES) {
    const u = sniffUnit(type, unit);
    if (!u) continue;
    return [u.name, unit, ...u.aliases].find((a) => /^[A-Za-z]+$/.test(a)) ?? '';
  }
  return '';
}

/**
 * Go's strconv formatting of x with `digits` decimals: like toFixed, but exact binary ties
 * round half to even, as Go does (JavaScript rounds them away from zero).
 */
export function toFixedGo(x: number, digits: number): string {
  const s = x.toFixed(digits);
  const ax = Math.abs(x);
  if (!Number.isFinite(x) || ax >= 1e21) return s;
  const full = ax.toFixed(100); // the exact decimal expansion for the magnitudes we format
  const dot = full.indexOf('.');
  const rest = full.slice(dot + 1 + digits);
  if (!/^50*$/.test(rest)) return s;
  // An exact tie: keep the truncated digits if the last one is even.
  const truncated = digits === 0 ? full.slice(0, dot) : full.slice(0, dot + 1 + digits);
  const last = truncated.charCodeAt(truncated.length - 1) - 48;
  if (last % 2 === 0) return (x < 0 ? '-' : '') + truncated;
  return s;
}

/** Go's %.{p}g for 0 < |x|, trailing zeros removed, exponent as e-05. */
function formatG(x: number, precision: number): string {
  if (x === 0) return '0';
  // Rounding to `precision` significant digits may carry into the next power of ten.
  let exp = Math.floor(Math.log10(Math.abs(x)));
  let fixed = toFixedGo(x / 10 ** exp, precision - 1);
  if (Math.abs(parseFloat(fixed)) >= 10) {
    exp += 1;
    fixed = toFixedGo(x / 10 ** exp, precision - 1);
  }
  if (exp < -4 || exp >= precision) {
    const mant = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
    const sign = exp < 0 ? '-' : '+';
    return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const s = toFixedGo(x, Math.max(0, precision - 1 - exp));
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** measurement.Percentage: "  100%", " 8.93%", " 0.89%", "0.009%". */
export function formatPercent(value: number, total: number): string {
  let ratio = 0;
  if (total !== 0) ratio = Math.abs(value / total) * 100;
  if (ratio >= 99.95 && ratio <= 100.05) return '  100%';
  if (ratio >= 1.0) return `${toFixedGo(ratio, 2).padStart(5)}%`;
  return `${formatG(ratio, 2).padStart(5)}%`;
}

/** measurement.ScaledLabel: "%.2f" without a trailing ".00", plus the unit; "0" for zero. */
export function scaledLabel(value: number, fromUnit: string, toUnit: string): string {
  const [v, u] = scaleValue(value, fromUnit, toUnit);
  const sv = toFixedGo(v, 2).replace(/\.00$/, '');
  if (sv === '0' || sv === '-0') return '0';
  return sv + u;
}

/**
 * report.selectOutputUnit: the unit pprof uses for a whole report, chosen from the smallest
 * non-zero node value and the profile total.
 */
export function selectOutputUnit(nodes: Iterable<{ flat: number; cum: number }>, total: number, sampleUnit: string): string {
  let min = 0;
  let any = false;
  for (const n of nodes) {
    any = true;
    let v = Math.abs(n.flat);
    if (v === 0) v = Math.abs(n.cum);
    if (v > 0 && (min === 0 || v < min)) min = v;
  }
  // No nodes (filters matched nothing): pprof keeps "minimum", each value in its own best unit.
  if (!any) return 'minimum';
  const max = total;
  if (min === 0) min = max;
  const [, minUnit] = scaleValue(min, sampleUnit, 'minimum');
  const [, maxUnit] = scaleValue(max, sampleUnit, 'minimum');
  let unit = minUnit;
  if (minUnit !== maxUnit && min * 100 < max) unit = scaleValue(100 * min, sampleUnit, 'minimum')[1];
  return unit !== '' ? unit : sampleUnit;
}

/** A value for people, in the best unit for that value alone (tooltips, headers). */
export function formatValue(value: number, unit: string): string {
  return scaledLabel(value, unit, 'auto');
}

/**
 * An integer with thousands separators ("1,234,567"). Not toLocaleString: its first call loads the
 * locale data, about 14 ms on the way to the first drawn profile.
 */
export function groupDigits(n: number): string {
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(n)));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return sign + out;
}
