import { describe, expect, it } from 'vitest';
import { packageHue, packageName } from './package-name';

describe('packageName: the coloring key of each language in the fixtures', () => {
  it.each([
    // Go
    ['github.com/grafana/loki/pkg/chunkenc.(*unorderedHeadBlock).Append', 'github.com/grafana/loki/pkg/chunkenc'],
    ['net/http.(*conn).serve', 'net/http'],
    ['runtime.mallocgc', 'runtime'],
    ['rideshare/utility.FindNearestVehicle.func1', 'rideshare/utility'],
    // Java (JVM slash form from async-profiler/JFR, and dotted form)
    ['org/apache/kafka/common/utils/ByteUtils.readVarint', 'org/apache/kafka/common/utils'],
    ['sun/net/httpserver/ServerImpl$Exchange.run', 'sun/net/httpserver'],
    ['java.bar.foo.FooBar.run(java.lang.Runnable)', 'java.bar.foo'],
    // .NET
    ['Microsoft.AspNetCore.Mvc.Infrastructure!ControllerActionInvoker.Next', 'Microsoft.AspNetCore.Mvc.Infrastructure'],
    // Python and Ruby: the file
    ['flask/app.py:-1 - dispatch_request', 'flask/app.py'],
    [
      'gems/opentelemetry-api-1.1.0/lib/opentelemetry/trace.rb:-1 - with_span',
      'gems/opentelemetry-api-1.1.0/lib/opentelemetry/trace.rb',
    ],
    // Node.js: the file
    ['./node_modules/express/lib/router/route.js:next:144', './node_modules/express/lib/router/route.js'],
    ['node:events:emit:470', 'node:events'],
    // Rust: the crate
    ['time.rs:337 - core::time::Duration::as_secs', 'core'],
    ['main.rs:127 - server::find_nearest_vehicle', 'server'],
    ['generic.rs:101 - <F as warp::generic::Func<()>>::call', 'F as warp'],
    // C++
    ['std::vector<int>::push_back', 'std'],
    // Unsymbolized
    ['[libc-2.15.so]', '[libc-2.15.so]'],
  ])('%s → %s', (name, pkg) => {
    expect(packageName(name)).toBe(pkg);
  });

  it('gives one package one stable hue', () => {
    expect(packageHue('runtime.mallocgc')).toBe(packageHue('runtime.gcDrain'));
    expect(packageHue('runtime.mallocgc')).toBe(packageHue('runtime.mallocgc'));
    expect(packageHue('net/http.(*conn).serve')).not.toBe(packageHue('runtime.mallocgc'));
  });
});
