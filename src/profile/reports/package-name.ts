// The package (module, namespace, file) a frame belongs to, for coloring: frames of one package
// share a color in every view and across reloads.

/** Python/Ruby/Rust profiles from Pyroscope's SDKs: `file:line - func`. */
const FILE_DASH_FUNC = /^(\S+?\.(py|rb|rs|php|js|ts)):-?\d+ - (.*)$/;
/** Node.js (Pyroscope's SDK): `./path/file.js:func:line`, or `node:events:emit:470`. */
const NODE_FILE = /^((?:node:[\w/]+)|(?:[^:\s]+\.(?:js|mjs|cjs|ts))):/;

export function packageName(name: string): string {
  if (name === '' || name.startsWith('<') || name.startsWith('[')) return name;
  const dash = FILE_DASH_FUNC.exec(name);
  if (dash) {
    // Rust: the crate of the function says more than the file name.
    if (dash[2] === 'rs') {
      const fn = dash[3]!.replace(/^<+/, '');
      const sep = fn.indexOf('::');
      return sep > 0 ? fn.slice(0, sep) : dash[1]!;
    }
    return dash[1]!;
  }
  const node = NODE_FILE.exec(name);
  if (node) return node[1]!;
  // .NET: "Namespace!Class.Method".
  const bang = name.indexOf('!');
  if (bang > 0) return name.slice(0, bang);
  // C++/Rust: namespace::…::function → the first component.
  if (name.includes('::') && !name.includes('/')) return name.replace(/^<+/, '').split('::')[0]!;
  const slash = name.lastIndexOf('/');
  if (slash >= 0) {
    const last = name.slice(slash + 1);
    // Java in JVM form ("org/apache/kafka/Foo.bar"): the package is the directory.
    if (/^[A-Z]/.test(last)) return name.slice(0, slash);
    // Go: the import path, up to the first '.' after the last '/'.
    const dot = name.indexOf('.', slash);
    return dot > 0 ? name.slice(0, dot) : name;
  }
  // Java/.NET dotted names: the prefix before the first capitalised component (the class);
  // Go's standard library ("runtime.mallocgc"): the first component.
  const parts = name.split('(')[0]!.split('.');
  if (parts.length > 1) {
    const cls = parts.findIndex((p) => /^[A-Z]/.test(p));
    if (cls > 0) return parts.slice(0, cls).join('.');
    return parts[0]!;
  }
  return name;
}

/** A stable 32-bit FNV-1a hash. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The hue (0–359) of a package: the same package always gets the same hue. */
export function packageHue(name: string): number {
  return hashString(packageName(name)) % 360;
}
