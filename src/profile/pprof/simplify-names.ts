// pprof's default name simplification (`-symbolize=demangle=default`): names that already look
// like demangled C++ or Rust lose their parameter lists and template arguments, so that
// `Foo<Bar>::baz(int)` and `Foo<Qux>::baz(long)` aggregate as `Foo::baz`. Only names whose
// system name equals the name (or is absent) are touched, as in pprof.
// Mangled symbols (_Z…) are not demangled here: they are shown as they are.

export function simplifyFunctionName(name: string, systemName: string): string {
  if (name !== '' && systemName !== name) return name; // already demangled by the producer
  const n = name !== '' ? name : systemName;
  if (!looksLikeDemangledCPlusPlus(n)) return n;
  return removeMatching(removeMatching(n, '(', ')'), '<', '>');
}

function looksLikeDemangledCPlusPlus(name: string): boolean {
  if (name.includes('.<')) return false; // Java "Class.<init>"
  if (name.includes(']).')) return false; // Go "pkg.(*T[...]).Method"
  return /[<>[\]]/.test(name) || name.includes('::');
}

/** Removes every outermost open…close group; a stray close aborts and keeps the name. */
function removeMatching(name: string, open: string, close: string): string {
  let nesting = 0;
  let first = 0;
  let out = name;
  for (let i = 0; i < out.length; i++) {
    const c = out[i];
    if (c === open) {
      if (++nesting === 1) first = i;
    } else if (c === close) {
      nesting--;
      if (nesting < 0) return out;
      if (nesting === 0) {
        out = out.slice(0, first) + out.slice(i + 1);
        i = first - 1;
      }
    }
  }
  return out;
}
