// Writes the synthetic profiles of the corpus (testdata/profiles/*, and some of
// testdata/malformed/*): profiles shaped like what other languages' profilers send (Java,
// .NET, Python, Ruby, Rust, native code with kernel frames) and edge cases of the format.
// Everything comes from fixed tables and a seeded generator: the output is the same on every
// run. Run from the repository root: npx tsx testdata/synthetic/make.ts
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Profile } from 'pprof-format';
import { type Frame, type FrameLine, type Labels, ProfileBuilder, jitterLeaf, pick, rng } from './builder';

const PROFILES = new URL('../profiles/', import.meta.url);
const MALFORMED = new URL('../malformed/', import.meta.url);

/** 2026-01-15 10:00:00 UTC: every synthetic profile says it was taken then. */
const T0 = 1_768_471_200_000_000_000n;
const SECOND = 1_000_000_000n;

const written: string[] = [];

function write(dir: URL, name: string, bytes: Uint8Array, what: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(name, dir), bytes);
  written.push(`${dir === PROFILES ? 'profiles' : 'malformed'}/${name} (${bytes.length} bytes): ${what}`);
}

/** gzip with a zero mtime and no file name, so the bytes do not depend on when they were made. */
function gz(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes, { level: 9 });
}

function encode(p: Profile): Uint8Array {
  return p.encode();
}

const repeat = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

// =============================================================================================
// Java, as async-profiler writes it (pprof output): JVM names with '/' packages, no file names,
// Java frames with line numbers, native/JVM/kernel ('_[k]') frames without. No mappings. Only
// Function.name is set (no system name), so pprof shows C++ JVM frames with their parameters.
// =============================================================================================

/** A Java frame: 'java/util/HashMap.get:557' or a native one without a line. */
function jf(spec: string): Frame {
  const m = /^(.*?)(?::(\d+))?$/.exec(spec)!;
  // async-profiler fills only Function.name, so pprof keeps the names as they are.
  return { lines: [{ name: m[1]!, systemName: '', line: m[2] ? Number(m[2]) : 0 }] };
}
const jstack = (...specs: string[]): Frame[] => specs.map(jf);

const JAVA_WORKER = [
  'java/lang/Thread.run:840',
  'java/util/concurrent/ThreadPoolExecutor$Worker.run:635',
  'java/util/concurrent/ThreadPoolExecutor.runWorker:1144',
];
const JAVA_HTTP = [
  ...JAVA_WORKER,
  'org/eclipse/jetty/util/thread/QueuedThreadPool$Runner.run:1149',
  'org/eclipse/jetty/server/HttpChannel.handle:479',
  'org/eclipse/jetty/server/Server.handle:516',
  'org/springframework/web/servlet/DispatcherServlet.doDispatch:1089',
  'org/springframework/web/servlet/mvc/method/annotation/RequestMappingHandlerAdapter.handleInternal:793',
  'com/example/shop/OrderController.placeOrder:58',
];

const JAVA_LEAVES: [number, string][] = [
  [3, 'java/lang/Object.hashCode'],
  [2, 'jdk/internal/misc/Unsafe.getReferenceAcquire'],
  [2, 'itable stub'],
  [2, 'vtable stub'],
  [1, 'SharedRuntime::resolve_virtual_call_C(JavaThread*)'],
  [1, 'OptoRuntime::new_instance_C(Klass*, JavaThread*)'],
  [2, 'java/util/Arrays.fill:3287'],
  [2, 'java/lang/System.arraycopy'],
];

/** CategoryTree.visit calls itself (direct recursion) `depth` times. */
function javaCategoryWalk(depth: number, leaf: string[]): string[] {
  return [
    'com/example/shop/CatalogService.priceCategory:112',
    ...repeat(depth, (i) => `com/example/shop/CategoryTree.visit:${i === 0 ? 40 : 47}`),
    ...leaf,
  ];
}

/** Jackson's bean and list serializers call each other (mutual recursion) `depth` times. */
function javaSerialize(depth: number, leaf: string[]): string[] {
  const out = ['com/fasterxml/jackson/databind/ObjectMapper.writeValueAsString:3964'];
  for (let i = 0; i < depth; i++) {
    out.push('com/fasterxml/jackson/databind/ser/BeanSerializer.serialize:178');
    out.push('com/fasterxml/jackson/databind/ser/BeanPropertyWriter.serializeAsField:732');
    out.push('com/fasterxml/jackson/databind/ser/impl/IndexedListSerializer.serializeContents:119');
  }
  return [...out, ...leaf];
}

function javaCpuStack(next: () => number): string[] {
  return pick<() => string[]>(next, [
    // The order endpoint: validation (HashMap lookups), pricing (recursion), JSON (mutual recursion).
    [18, () => [...JAVA_HTTP, 'com/example/shop/OrderService.validate:77', 'java/util/HashMap.get:556', 'java/util/HashMap.getNode:570', pick(next, [[3, 'java/lang/String.equals:1858'], [2, 'java/util/HashMap.hash:338']])]],
    [6, () => [...JAVA_HTTP, 'com/example/shop/OrderService.validate:81', 'java/lang/String.hashCode:2366', 'java/lang/StringLatin1.hashCode:196']],
    [16, () => [...JAVA_HTTP, 'com/example/shop/OrderService.price:95', ...javaCategoryWalk(1 + Math.floor(next() * 5), ['java/math/BigDecimal.multiply:6052', 'java/math/BigDecimal.multiplyAndRound:6001'])]],
    [14, () => [...JAVA_HTTP, 'com/example/shop/OrderController.render:71', ...javaSerialize(1 + Math.floor(next() * 3), ['com/fasterxml/jackson/core/json/UTF8JsonGenerator.writeString:549', 'com/fasterxml/jackson/core/json/UTF8JsonGenerator._writeStringSegment2:1355'])]],
    // A lambda: no line numbers for the generated class.
    [5, () => [...JAVA_HTTP, 'com/example/shop/OrderService.applyDiscounts:130', 'java/util/ArrayList.forEach:1596', 'com/example/shop/OrderService$$Lambda.0x00007f3c1c0a2b48.accept', 'com/example/shop/OrderService.lambda$applyDiscounts$3:134']],
    [4, () => [...JAVA_HTTP, 'com/example/shop/OrderService.newOrder:60', 'com/example/shop/Order.<init>:22', 'java/util/UUID.randomUUID:151', 'java/security/SecureRandom.nextBytes:757']],
    // The Kafka producer's I/O thread.
    [12, () => ['java/lang/Thread.run:840', 'org/apache/kafka/common/utils/KafkaThread.run:66', 'org/apache/kafka/clients/producer/internals/Sender.run:251', 'org/apache/kafka/clients/producer/internals/Sender.runOnce:323', 'org/apache/kafka/clients/NetworkClient.poll:596', 'org/apache/kafka/common/network/Selector.poll:509', 'sun/nio/ch/SelectorImpl.select:141', 'sun/nio/ch/EPollSelectorImpl.doSelect:121', 'sun/nio/ch/EPoll.wait', 'epoll_wait', 'entry_SYSCALL_64_after_hwframe_[k]', 'do_syscall_64_[k]', '__x64_sys_epoll_wait_[k]']],
    [10, () => [...JAVA_WORKER, 'com/example/shop/events/OrderPublisher.publish:44', 'org/apache/kafka/clients/producer/KafkaProducer.send:950', 'org/apache/kafka/clients/producer/KafkaProducer.doSend:1056', 'org/apache/kafka/clients/producer/internals/RecordAccumulator.append:299', pick(next, [[2, 'org/apache/kafka/common/record/MemoryRecordsBuilder.append:760'], [1, 'org/apache/kafka/common/utils/Crc32C.compute:71']])]],
    // The JVM itself: C++ names, some with parameter lists.
    [8, () => ['thread_native_entry(Thread*)', 'Thread::call_run()', 'GCTaskThread::run()', 'G1ParTask::work(unsigned int)', pick(next, [[2, 'G1ParScanThreadState::trim_queue_partially()'], [1, 'G1ParScanThreadState::do_copy_to_survivor_space(G1HeapRegionAttr, oopDesc*, markWord)']])]],
    [5, () => ['thread_native_entry(Thread*)', 'Thread::call_run()', 'JavaThread::thread_main_inner()', 'CompileBroker::compiler_thread_loop()', 'CompileBroker::invoke_compiler_on_method(CompileTask*)', 'C2Compiler::compile_method(ciEnv*, ciMethod*, int, bool, DirectiveSet*)', 'Compile::Compile(ciEnv*, ciMethod*, int, Options, DirectiveSet*)', pick(next, [[1, 'PhaseIdealLoop::build_and_optimize()'], [1, 'PhaseChaitin::Register_Allocate()']])]],
  ])();
}

function javaCpu(): void {
  const next = rng(11);
  const b = new ProfileBuilder({
    sampleTypes: [['cpu', 'nanoseconds']],
    periodType: ['cpu', 'nanoseconds'],
    period: 10_000_000,
    timeNanos: T0,
    durationNanos: 10n * SECOND,
  });
  for (let i = 0; i < 900; i++) {
    const stack = javaCpuStack(next);
    // Now and then the leaf is a small callee, a stub or a runtime call.
    if (next() < 0.3 && !stack[0]!.startsWith('thread_native_entry')) stack.push(pick(next, JAVA_LEAVES));
    b.add(jitterLeaf(next, jstack(...stack)), [10_000_000]);
  }
  write(PROFILES, 'java-cpu.pb.gz', gz(encode(b.build())), `Java async-profiler style, ${b.sampleCount} samples`);
}

/** The same JVM seen through JFR allocation events, as Pyroscope converts them: one empty
 * mapping, no line numbers at all. */
function javaAlloc(): void {
  const next = rng(12);
  const b = new ProfileBuilder({
    sampleTypes: [['alloc_in_new_tlab_objects', 'count'], ['alloc_in_new_tlab_bytes', 'bytes']],
    periodType: ['space', 'bytes'],
    period: 524288,
    timeNanos: T0,
    durationNanos: 60n * SECOND,
  });
  const mapping = b.mapping({ start: 0n, limit: 0n, file: '' });
  const noLine = (specs: string[]): Frame[] => specs.map((s) => ({ mapping, lines: [{ name: s.replace(/:\d+$/, ''), systemName: '' }] }));
  for (let i = 0; i < 400; i++) {
    const [stack, size] = pick<() => [string[], number]>(next, [
      [10, () => [[...JAVA_HTTP, 'com/example/shop/OrderController.render:71', ...javaSerialize(1 + Math.floor(next() * 3), ['com/fasterxml/jackson/core/util/TextBuffer.contentsAsString:404', 'java/lang/String.<init>:300', 'java/util/Arrays.copyOfRange:3852'])], 2048]],
      [6, () => [[...JAVA_HTTP, 'com/example/shop/OrderService.validate:77', 'java/lang/StringBuilder.toString:453', 'java/lang/String.<init>:300'], 96]],
      [8, () => [[...JAVA_WORKER, 'com/example/shop/events/OrderPublisher.publish:44', 'org/apache/kafka/clients/producer/KafkaProducer.send:950', 'org/apache/kafka/clients/producer/KafkaProducer.doSend:1056', 'org/apache/kafka/clients/producer/internals/RecordAccumulator.append:299', 'org/apache/kafka/clients/producer/internals/BufferPool.allocate:129', 'java/nio/ByteBuffer.allocate:363', 'java/nio/HeapByteBuffer.<init>:64'], 16384]],
      [5, () => [[...JAVA_HTTP, 'com/example/shop/OrderService.price:95', ...javaCategoryWalk(1 + Math.floor(next() * 5), ['java/util/ArrayList.grow:237', 'java/util/Arrays.copyOf:3512'])], 512]],
    ])();
    if (next() < 0.4) stack.push(pick(next, [[2, 'java/util/Arrays.copyOf'], [2, 'java/lang/StringLatin1.newString'], [1, 'jdk/internal/misc/Unsafe.allocateUninitializedArray']]));
    const objects = 1 + Math.floor(next() * 40);
    b.add(noLine(stack), [objects, objects * size * (1 + Math.floor(next() * 4))]);
  }
  write(PROFILES, 'java-alloc.pb.gz', gz(encode(b.build())), `Java JFR-converted allocations, ${b.sampleCount} samples`);
}

// =============================================================================================
// .NET, as Pyroscope's .NET profiler writes it: 'Namespace!Class.Method' names with the
// assembly as the file, no lines, no system names, no mappings, six sample types, labels on
// every sample, and the file is NOT gzipped.
// =============================================================================================

const DOTNET_LEAVES: [number, string][] = [
  [3, 'System.Private.CoreLib System!String.Equals'],
  [2, 'System.Private.CoreLib System!Buffer.Memmove'],
  [2, 'System.Private.CoreLib System.Runtime.CompilerServices!CastHelpers.ChkCastAny'],
  [1, 'System.Private.CoreLib System!GC.Alloc'],
  [1, 'System.Private.CoreLib System.Collections.Generic!EqualityComparer<T>.get_Default'],
];

function dotnet(): void {
  const next = rng(21);
  const b = new ProfileBuilder({
    sampleTypes: [['cpu', 'nanoseconds'], ['exception', 'count'], ['alloc_samples', 'count'], ['alloc_size', 'bytes'], ['lock_count', 'count'], ['lock_time', 'nanoseconds']],
    periodType: ['cpu', 'nanoseconds'],
    period: 10_000_000,
    timeNanos: T0,
    durationNanos: 15n * SECOND,
  });
  const f = (spec: string): Frame => {
    const [asm, name] = spec.split(' ');
    return { lines: [{ name: name!, systemName: '', file: asm }] };
  };
  const host = [
    'System.Private.CoreLib System.Threading!ThreadPoolWorkQueue.Dispatch',
    'System.Private.CoreLib System.Threading.Tasks!Task.ExecuteWithThreadLocal',
    'System.Private.CoreLib System.Threading!ExecutionContext.RunInternal',
    'System.Private.CoreLib System.Runtime.CompilerServices!AsyncStateMachineBox<TResult,TStateMachine>.MoveNext',
    'Microsoft.AspNetCore.Server.Kestrel.Core Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http!HttpProtocol.ProcessRequests',
    'Microsoft.AspNetCore.HostFiltering Microsoft.AspNetCore.HostFiltering!HostFilteringMiddleware.Invoke',
    'Microsoft.AspNetCore.Routing Microsoft.AspNetCore.Routing!EndpointRoutingMiddleware.Invoke',
    'Microsoft.AspNetCore.Authorization.Policy Microsoft.AspNetCore.Authorization!AuthorizationMiddleware.Invoke',
    'Microsoft.AspNetCore.Routing Microsoft.AspNetCore.Routing!EndpointMiddleware.Invoke',
    'Microsoft.AspNetCore.Http.Extensions Microsoft.AspNetCore.Http!RequestDelegateFactory.ExecuteTaskResult<T>',
  ];
  // Minimal-API endpoints (no MVC controllers).
  const report = 'Shop.Api Shop.Api.Endpoints!ReportEndpoints.GetMonthly';
  const orders = 'Shop.Api Shop.Api.Endpoints!OrderEndpoints.Create';
  const expr = (depth: number) => repeat(depth, () => 'Shop.Core Shop.Core.Rules!RuleEvaluator.Evaluate');
  const pods = ['shop-api-7d9f8-2xkqp', 'shop-api-7d9f8-9mzrt'];
  for (let i = 0; i < 700; i++) {
    // [stack, which column, value]
    const [stack, col, value] = pick<() => [string[], number, number]>(next, [
      [30, () => [[...host, report, 'Shop.Core Shop.Core.Reports!ReportBuilder.Build', ...expr(1 + Math.floor(next() * 6)), 'Shop.Core Shop.Core.Rules!Condition.Matches'], 0, 10_000_000]],
      [15, () => [[...host, report, 'Shop.Core Shop.Core.Reports!ReportBuilder.Build', 'System.Linq System.Linq!Enumerable.ToList<TSource>', 'System.Private.CoreLib System.Collections.Generic!List<T>.AddWithResize'], 0, 10_000_000]],
      [12, () => [[...host, orders, 'Shop.Core Shop.Core.Orders!OrderValidator.Validate', 'System.Private.CoreLib System.Collections.Generic!Dictionary<TKey,TValue>.FindValue'], 0, 10_000_000]],
      [8, () => [[...host, orders, 'System.Text.Json System.Text.Json!JsonSerializer.Serialize<TValue>', 'System.Text.Json System.Text.Json.Serialization.Converters!ObjectDefaultConverter<T>.OnTryWrite'], 0, 10_000_000]],
      [5, () => [['System.Private.CoreLib System.Threading!PortableThreadPool.WorkerThread.WorkerThreadStart', 'System.Private.CoreLib System.Threading!LowLevelLifoSemaphore.Wait'], 0, 10_000_000]],
      [4, () => [[...host, orders, 'Shop.Core Shop.Core.Orders!OrderValidator.Validate', 'Shop.Core Shop.Core.Orders!OrderValidationException..ctor'], 1, 1]],
      [12, () => [[...host, report, 'Shop.Core Shop.Core.Reports!ReportBuilder.Build', 'System.Private.CoreLib System.Text!StringBuilder.ToString'], 3, 8192 + Math.floor(next() * 8) * 1024]],
      [6, () => [[...host, orders, 'System.Text.Json System.Text.Json!JsonSerializer.Serialize<TValue>', 'System.Private.CoreLib System.Buffers!ArrayPool<T>.Rent'], 3, 4096]],
      [6, () => [[...host, orders, 'Shop.Core Shop.Core.Inventory!StockCache.Reserve', 'System.Private.CoreLib System.Threading!Monitor.Enter'], 5, 200_000 + Math.floor(next() * 3_000_000)]],
    ])();
    const values = [0, 0, 0, 0, 0, 0];
    values[col] = value;
    if (col === 3) values[2] = 1; // an allocation sample counts one sample and its size
    if (col === 5) values[4] = 1; // a lock wait counts one contention and its time
    if (col === 0 && next() < 0.35) stack.push(pick(next, DOTNET_LEAVES));
    const labels: Labels = { pod: pods[i % 3 === 0 ? 1 : 0]!, endpoint: stack.includes(report) ? 'GET /reports' : stack.includes(orders) ? 'POST /orders' : 'threadpool' };
    b.add(stack.map(f), values, labels);
  }
  write(PROFILES, 'dotnet.pprof', encode(b.build()), `.NET, ${b.sampleCount} samples, not gzipped`);
}

/** What an older .NET agent sent: hyphenated sample types and a function with id 0, which
 * go tool pprof rejects ("found function with reserved ID=0"). Not gzipped either. */
function dotnetFunctionIdZero(): void {
  const b = new ProfileBuilder({
    sampleTypes: [['cpu', 'nanoseconds'], ['alloc-samples', 'count'], ['alloc-size', 'bytes']],
    periodType: ['', 'nanoseconds'],
    period: 10_000_000,
    timeNanos: T0,
    durationNanos: 10n * SECOND,
  });
  // Lines carry a line number: a Line that is all zeros would be an empty message, which
  // pprof-format 2.3 measures as 0 bytes but still writes (2 bytes), corrupting the output.
  const f = (name: string): Frame => ({ lines: [{ name, systemName: '', file: name.split('!')[0], line: 10 + name.length }] });
  b.add(['System.Private.CoreLib!Thread.StartCallback', 'Shop.Api!Program.Main', 'Shop.Core!Work.Run'].map(f), [30_000_000, 0, 0]);
  b.add(['System.Private.CoreLib!Thread.StartCallback', 'Shop.Api!Program.Main', 'Shop.Core!Work.Allocate'].map(f), [0, 2, 4096]);
  const p = b.build();
  // Number the functions from 0, as that agent did.
  for (const fn of p.function) fn.id = Number(fn.id) - 1;
  for (const loc of p.location) for (const l of loc.line) l.functionId = Number(l.functionId) - 1;
  write(MALFORMED, 'function-id-zero.pb.gz', encode(p), 'rejected by pprof: function with reserved ID=0 (not gzipped)');
}

// =============================================================================================
// Python (py-spy, raw push): 'file.py:line - function' names, no file, no line numbers, no
// system names (so pprof leaves '<module>' alone), a 'function' label, period type
// ''/milliseconds; 16 samples; NOT gzipped despite the name.
// =============================================================================================

function pyspy(): void {
  const b = new ProfileBuilder({
    sampleTypes: [['samples', 'count']],
    periodType: ['', 'milliseconds'],
    period: 10,
    timeNanos: T0,
    durationNanos: 10n * SECOND,
  });
  const f = (name: string): Frame => ({ lines: [{ name, systemName: '' }] });
  const root = ['app/main.py:88 - <module>', 'app/server.py:120 - serve_forever', 'app/server.py:42 - handle'];
  const rows: [string[], number, string][] = [
    [[...root, 'app/views/orders.py:17 - create_order', 'app/models/order.py:55 - validate'], 212, 'create_order'],
    [[...root, 'app/views/orders.py:17 - create_order', 'app/models/order.py:61 - total', 'app/models/order.py:30 - line_total'], 148, 'create_order'],
    [[...root, 'app/views/orders.py:17 - create_order', 'app/db.py:71 - execute', 'psycopg2/extras.py:236 - execute'], 97, 'create_order'],
    [[...root, 'app/views/orders.py:24 - list_orders', 'app/db.py:71 - execute', 'psycopg2/extras.py:236 - execute'], 64, 'list_orders'],
    [[...root, 'app/views/orders.py:24 - list_orders', 'app/serialize.py:12 - to_json', 'json/encoder.py:199 - encode', 'json/encoder.py:257 - iterencode'], 51, 'list_orders'],
    [[...root, 'app/views/orders.py:24 - list_orders', 'app/serialize.py:12 - to_json'], 9, 'list_orders'],
    [[...root, 'app/views/health.py:5 - health'], 3, 'health'],
    [[...root], 2, 'health'],
    [[...root, 'app/views/reports.py:33 - monthly', 'app/reports.py:10 - walk', 'app/reports.py:14 - walk', 'app/reports.py:14 - walk'], 40, 'monthly'],
    [[...root, 'app/views/reports.py:33 - monthly', 'app/reports.py:10 - walk', 'app/reports.py:14 - walk', 'app/reports.py:14 - walk', 'app/reports.py:14 - walk'], 25, 'monthly'],
    [[...root, 'app/views/reports.py:33 - monthly', 'app/reports.py:10 - walk', 'app/reports.py:14 - walk'], 18, 'monthly'],
    [['threading.py:1002 - _bootstrap', 'threading.py:1045 - _bootstrap_inner', 'app/worker.py:19 - run', 'app/worker.py:27 - drain_queue', 'queue.py:180 - get'], 120, 'drain_queue'],
    [['threading.py:1002 - _bootstrap', 'threading.py:1045 - _bootstrap_inner', 'app/worker.py:19 - run', 'app/worker.py:33 - send_email', 'smtplib.py:392 - send'], 14, 'send_email'],
    [['threading.py:1002 - _bootstrap', 'threading.py:1045 - _bootstrap_inner', 'app/worker.py:19 - run'], 1, 'drain_queue'],
    [['threading.py:1002 - _bootstrap', 'threading.py:1045 - _bootstrap_inner', 'concurrent/futures/thread.py:83 - _worker', 'concurrent/futures/thread.py:58 - run', 'app/worker.py:33 - send_email'], 3, 'send_email'],
    [['threading.py:1002 - _bootstrap', 'threading.py:1045 - _bootstrap_inner', 'concurrent/futures/thread.py:83 - _worker'], 1, 'send_email'],
  ];
  for (const [stack, n, fn] of rows) b.newSample(stack.map(f), [n], { function: fn });
  write(PROFILES, 'pyspy.pb.gz', encode(b.build()), `py-spy raw push, ${b.sampleCount} samples, NOT gzipped`);
}

// =============================================================================================
// Ruby (rbspy through Pyroscope): 'file.rb:line - method' names with file names and line
// numbers too, one mapping, deep Rails stacks, recursion in partial rendering. Gzipped.
// =============================================================================================

const RUBY_LEAVES: [number, string][] = [
  [3, 'gems/activesupport-7.1.2/lib/active_support/notifications/instrumenter.rb:52 - instrument'],
  [2, 'gems/activerecord-7.1.2/lib/active_record/attribute_methods/read.rb:24 - _read_attribute'],
  [2, 'gems/activemodel-7.1.2/lib/active_model/attribute_set.rb:47 - fetch_value'],
  [1, 'gems/i18n-1.14.1/lib/i18n.rb:210 - translate'],
  [1, 'gems/concurrent-ruby-1.2.2/lib/concurrent-ruby/concurrent/map.rb:336 - []'],
];

function rbspy(): void {
  const next = rng(31);
  const b = new ProfileBuilder({
    sampleTypes: [['samples', 'count']],
    periodType: ['cpu', 'nanoseconds'],
    period: 10_000_000,
    timeNanos: T0,
    durationNanos: 10n * SECOND,
  });
  const mapping = b.mapping({ start: 0n, limit: 0n, file: '' });
  const f = (spec: string): Frame => {
    const [, file, line] = /^(.*?):(\d+) - (.*)$/.exec(spec)!;
    return { mapping, lines: [{ name: spec, systemName: '', file, line: Number(line) }] };
  };
  const rack = [
    'bin/rails:4 - <main>',
    'gems/puma-6.4.0/lib/puma/thread_pool.rb:147 - block in spawn_thread',
    'gems/puma-6.4.0/lib/puma/server.rb:440 - process_client',
    'gems/puma-6.4.0/lib/puma/request.rb:98 - handle_request',
    'gems/railties-7.1.2/lib/rails/engine.rb:536 - call',
    ...repeat(9, (i) => `gems/rack-3.0.8/lib/rack/${['sendfile', 'method_override', 'runtime', 'etag', 'head', 'conditional_get', 'tempfile_reaper', 'lock', 'content_length'][i]}.rb:${20 + i * 3} - call`),
    'gems/actionpack-7.1.2/lib/action_dispatch/routing/route_set.rb:882 - call',
    'gems/actionpack-7.1.2/lib/action_controller/metal.rb:247 - dispatch',
    'gems/actionpack-7.1.2/lib/abstract_controller/base.rb:224 - process_action',
    'gems/activesupport-7.1.2/lib/active_support/callbacks.rb:121 - block in run_callbacks',
  ];
  const partial = (depth: number) => repeat(depth, () => 'gems/actionview-7.1.2/lib/action_view/renderer/partial_renderer.rb:236 - render_partial_template');
  for (let i = 0; i < 600; i++) {
    const stack = pick<() => string[]>(next, [
      [20, () => [...rack, 'app/controllers/users_controller.rb:12 - show', 'app/models/user.rb:10 - find', 'gems/activerecord-7.1.2/lib/active_record/core.rb:268 - find', 'gems/activerecord-7.1.2/lib/active_record/connection_adapters/postgresql_adapter.rb:894 - exec_no_cache', 'gems/pg-1.5.4/lib/pg/connection.rb:217 - async_exec']],
      [12, () => [...rack, 'app/controllers/users_controller.rb:12 - show', 'app/models/user.rb:24 - block in recent_orders', 'gems/activerecord-7.1.2/lib/active_record/relation.rb:912 - load', 'gems/activerecord-7.1.2/lib/active_record/result.rb:104 - each']],
      [18, () => [...rack, 'app/controllers/users_controller.rb:14 - show', 'gems/actionview-7.1.2/lib/action_view/template.rb:262 - render', ...partial(1 + Math.floor(next() * 4)), 'app/views/users/_order.html.erb:3 - _app_views_users__order_html_erb', 'gems/activesupport-7.1.2/lib/active_support/core_ext/string/output_safety.rb:196 - concat']],
      [8, () => [...rack, 'app/controllers/reports_controller.rb:8 - index', 'app/services/report.rb:40 - block (2 levels) in build', 'app/services/report.rb:52 - money', 'gems/bigdecimal-3.1.4/lib/bigdecimal/util.rb:120 - to_d']],
      [6, () => ['gems/sidekiq-7.2.0/lib/sidekiq/processor.rb:75 - block in start', 'gems/sidekiq-7.2.0/lib/sidekiq/processor.rb:90 - run', 'gems/sidekiq-7.2.0/lib/sidekiq/processor.rb:170 - process', 'app/jobs/mailer_job.rb:9 - perform', 'gems/mail-2.8.1/lib/mail/message.rb:1989 - encoded']],
    ])();
    if (next() < 0.3) stack.push(pick(next, RUBY_LEAVES));
    b.add(jitterLeaf(next, stack.map(f)), [1]);
  }
  write(PROFILES, 'rbspy.pb.gz', gz(encode(b.build())), `Ruby rbspy style, ${b.sampleCount} samples`);
}

// =============================================================================================
// Rust (pprof-rs through Pyroscope), a map tile server: cpu/nanoseconds only, 'file.rs:line -
// path' names or bare Rust paths, generics in '<…>' (pprof simplifies those names when
// Name = SystemName), no file names, Line.line = 0, one mapping, addresses. Gzipped.
// =============================================================================================

const RUST_LEAVES: [number, string][] = [
  [3, 'core::ptr::drop_in_place<alloc::string::String>'],
  [2, 'alloc::alloc::exchange_malloc'],
  [2, '<core::iter::adapters::map::Map<I,F> as core::iter::traits::iterator::Iterator>::fold'],
  [1, 'core::fmt::write'],
  [1, '__memcpy_avx_unaligned_erms'],
];

function rust(): void {
  const next = rng(41);
  const b = new ProfileBuilder({
    sampleTypes: [['cpu', 'nanoseconds']],
    periodType: ['cpu', 'nanoseconds'],
    period: 10_000_000,
    timeNanos: T0,
    durationNanos: 10n * SECOND,
  });
  const mapping = b.mapping({ start: 0x55d3c2a00000n, limit: 0x55d3c3400000n, offset: 0n, file: '/usr/local/bin/tile-server', buildId: '5b0c4f9e1a7d2c3b', hasFunctions: true });
  const addr = new Map<string, bigint>();
  const f = (name: string): Frame => {
    if (!addr.has(name)) addr.set(name, 0x55d3c2a10000n + BigInt(addr.size) * 0x1a4n);
    return { mapping, address: addr.get(name), lines: [{ name }] };
  };
  const runtime = [
    'std::sys::pal::unix::thread::Thread::new::thread_start',
    'core::ops::function::FnOnce::call_once{{vtable.shim}}',
    'std::sys::backtrace::__rust_begin_short_backtrace',
    'tokio::runtime::scheduler::multi_thread::worker::run',
    'runtime.rs:65 - tokio::runtime::context::runtime::enter_runtime',
    'worker.rs:498 - tokio::runtime::scheduler::multi_thread::worker::Context::run',
    'worker.rs:581 - tokio::runtime::scheduler::multi_thread::worker::Context::run_task',
    'raw.rs:271 - tokio::runtime::task::raw::poll',
    'harness.rs:209 - tokio::runtime::task::harness::Harness<T,S>::poll',
    'core.rs:320 - tokio::runtime::task::core::Core<T,S>::poll',
    'server.rs:233 - <axum::serve::Serve<L,M,S> as core::future::into_future::IntoFuture>::into_future::{{closure}}',
    'conn.rs:387 - <hyper_util::server::conn::auto::Connection<I,S,E> as core::future::future::Future>::poll',
    'dispatch.rs:171 - hyper::proto::h1::dispatch::Dispatcher<D,Bs,I,T>::poll_loop',
    'route.rs:781 - <axum::routing::route::RouteFuture<E> as core::future::future::Future>::poll',
  ];
  const route = (name: string) => [...runtime, `handlers.rs:22 - tile_server::handlers::${name}::{{closure}}`];
  const quad = (depth: number) => repeat(depth, () => 'index.rs:54 - tile_server::index::RTree<T>::search');
  for (let i = 0; i < 800; i++) {
    const stack = pick<() => string[]>(next, [
      [24, () => [...route('get_tile'), 'tiles.rs:88 - tile_server::tiles::render', ...quad(1 + Math.floor(next() * 6)), 'geom.rs:140 - tile_server::geom::project', pick(next, [[2, 'libm::math::atan2::atan2'], [1, 'libm::math::log::log'], [1, 'core::f64::<impl f64>::tan']])]],
      [12, () => [...route('get_tile'), 'tiles.rs:97 - tile_server::tiles::render', 'core::slice::sort::unstable::quicksort::quicksort<tile_server::Feature,F>', 'core::slice::sort::shared::smallsort::insertion_sort_shift_left<tile_server::Feature,F>']],
      [10, () => [...route('get_tile'), 'tiles.rs:105 - tile_server::tiles::encode', 'prost::message::Message::encode_to_vec<tile_server::pb::Tile>', 'alloc::raw_vec::RawVec<T,A>::grow_one', 'alloc::raw_vec::finish_grow<alloc::alloc::Global>', '__rust_realloc', 'realloc']],
      [8, () => [...route('put_feature'), 'store.rs:41 - tile_server::store::Store::insert', 'hashbrown::map::HashMap<K,V,S,A>::insert', 'hashbrown::raw::RawTable<T,A>::reserve_rehash', 'core::hash::BuildHasher::hash_one<std::hash::random::RandomState,&u64>']],
      [6, () => [...route('put_feature'), 'store.rs:58 - tile_server::store::Store::evict', 'core::ptr::drop_in_place<tile_server::Feature>', 'core::ptr::drop_in_place<alloc::vec::Vec<tile_server::geom::Point>>', '<alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop', 'free']],
      [5, () => [...runtime.slice(0, 4), 'worker.rs:803 - tokio::runtime::scheduler::multi_thread::worker::Context::park_timeout', 'driver.rs:149 - tokio::runtime::io::driver::Driver::turn', 'mio::poll::Poll::poll', 'epoll_wait']],
      [3, () => ['__restore_rt', 'pprof::profiler::perf_signal_handler', '<pprof::backtrace::frame_pointer::Trace as pprof::backtrace::Trace>::trace']],
    ])();
    if (next() < 0.3) stack.push(pick(next, RUST_LEAVES));
    b.add(jitterLeaf(next, stack.map(f)), [10_000_000]);
  }
  write(PROFILES, 'rust-cpu.pb.gz', gz(encode(b.build())), `Rust pprof-rs style, ${b.sampleCount} samples`);
}

// =============================================================================================
// Native code seen by a system-wide profiler (perf/eBPF style): a symbolized executable, libc,
// [vdso] and [kernel.kallsyms] mappings; kernel and vDSO frames are address-only (those
// mappings have no symbols); one location holds three inlined functions. Gzipped.
// =============================================================================================

function nativeKernel(): void {
  const next = rng(51);
  const b = new ProfileBuilder({
    sampleTypes: [['samples', 'count'], ['cpu', 'nanoseconds']],
    periodType: ['cpu', 'nanoseconds'],
    period: 10_101_010, // 99 Hz
    timeNanos: T0,
    durationNanos: 10n * SECOND,
  });
  const exe = b.mapping({ start: 0x55a4b7c00000n, limit: 0x55a4b7e9a000n, offset: 0x1000n, file: '/usr/bin/imgproxy', buildId: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b', hasFunctions: true, hasFilenames: true, hasLineNumbers: true, hasInlineFrames: true });
  const libc = b.mapping({ start: 0x7f1e5c228000n, limit: 0x7f1e5c3bd000n, offset: 0x28000n, file: '/usr/lib/x86_64-linux-gnu/libc.so.6', buildId: 'c289da5071a3399de893d2af81d6a30c62646e1e', hasFunctions: true });
  const vdso = b.mapping({ start: 0x7ffd8a3f1000n, limit: 0x7ffd8a3f3000n, file: '[vdso]' });
  const kernel = b.mapping({ start: 0xffffffff81000000n, limit: 0xffffffff83000000n, file: '[kernel.kallsyms]' });
  const src = (name: string, file: string, line: number): FrameLine => ({ name, file, line });
  let pc = 0x55a4b7c01000n;
  const code = new Map<string, bigint>();
  const at = (key: string) => {
    if (!code.has(key)) code.set(key, (pc += 0x37n));
    return code.get(key)!;
  };
  const exeFrame = (...lines: FrameLine[]): Frame => ({ mapping: exe, address: at(JSON.stringify(lines)), lines });
  const libcAddr = new Map<string, bigint>();
  const libcFrame = (name: string): Frame => {
    if (!libcAddr.has(name)) libcAddr.set(name, 0x7f1e5c228000n + BigInt(libcAddr.size + 1) * 0x1c40n);
    return { mapping: libc, address: libcAddr.get(name), lines: [{ name }] };
  };
  const kaddr = (off: number): Frame => ({ mapping: kernel, address: 0xffffffff81000000n + BigInt(off) });
  const syscall = (...offs: number[]): Frame[] => [kaddr(0xa000b0), kaddr(0x9d3e20), ...offs.map(kaddr)];
  const main = [libcFrame('__libc_start_main'), exeFrame(src('main', 'src/main.c', 212))];
  const worker = [libcFrame('start_thread'), exeFrame(src('worker_loop', 'src/worker.c', 64))];
  const resize = (depth: number) => repeat(depth, (i) => exeFrame(src('resize_tile', 'src/resize.c', i === 0 ? 140 : 151)));
  for (let i = 0; i < 700; i++) {
    const stack = pick<() => Frame[]>(next, [
      // A hot loop where the compiler inlined clamp() and lerp() into sample_bilinear().
      [30, () => [...worker, exeFrame(src('process_image', 'src/image.c', 88)), ...resize(1 + Math.floor(next() * 4)), exeFrame(src('clamp', 'src/math.h', 12), src('lerp', 'src/math.h', 20), src('sample_bilinear', 'src/resize.c', 77))]],
      [12, () => [...worker, exeFrame(src('process_image', 'src/image.c', 93)), exeFrame(src('encode_jpeg', 'src/jpeg.c', 301)), exeFrame(src('fdct_islow', 'src/jpeg.c', 455))]],
      [8, () => [...worker, exeFrame(src('process_image', 'src/image.c', 80)), libcFrame('__memmove_avx_unaligned_erms')]],
      // Reading the input: a syscall, then kernel frames the profiler could not symbolize.
      [10, () => [...worker, exeFrame(src('read_input', 'src/io.c', 33)), libcFrame('read'), ...syscall(0x41c2a8, 0x41b5f0, 0x419e44, pick(next, [[2, 0x5a7d10], [1, 0x41a3c8]]))]],
      [6, () => [...worker, exeFrame(src('write_output', 'src/io.c', 58)), libcFrame('__GI___libc_write'), ...syscall(0x41c6e0, 0x41a9b4)]],
      // Timing: clock_gettime in the vDSO (no symbols there either).
      [5, () => [...main, exeFrame(src('report_stats', 'src/stats.c', 19)), libcFrame('clock_gettime'), { mapping: vdso, address: 0x7ffd8a3f1a4dn }]],
      // A page fault taken while touching a new buffer.
      [5, () => [...worker, exeFrame(src('alloc_tile', 'src/image.c', 41)), kaddr(0xa01450), kaddr(0x0b7c64), kaddr(0x33f0a8)]],
      [4, () => [...main, exeFrame(src('wait_workers', 'src/main.c', 240)), libcFrame('pthread_join'), ...syscall(0x2c18f0, 0x2bd6a4)]],
    ])();
    b.add(jitterLeaf(next, stack), [1, 10_101_010]);
  }
  write(PROFILES, 'native-kernel.pb.gz', gz(encode(b.build())), `native + kernel frames, ${b.sampleCount} samples`);
}

// =============================================================================================
// Edge cases of the format.
// =============================================================================================

/** Locations with neither an address nor a line (a broken unwinder), next to normal ones. */
function noAddrNoLine(): void {
  const b = new ProfileBuilder({
    sampleTypes: [['cpu', 'nanoseconds']],
    periodType: ['cpu', 'nanoseconds'],
    period: 52_631_578, // 19 Hz
    timeNanos: T0,
    durationNanos: 10n * SECOND,
  });
  const kernel = b.mapping({ start: 0xffffffff81000000n, limit: 0xffffffff83000000n, file: '[kernel.kallsyms]', hasFunctions: true });
  const py = b.mapping({ start: 0n, limit: 0n, file: '', hasFunctions: true });
  const k = (name: string, off: number): Frame => ({ mapping: kernel, address: 0xffffffff81000000n + BigInt(off), lines: [{ name }] });
  const p = (name: string, line: number): Frame => ({ mapping: py, lines: [{ name, systemName: '', line }] });
  const empty: Frame = { mapping: py, lines: [] };
  const app = [p('<module>', 3), p('Server.serve_forever', 235), p('Handler.handle', 41)];
  b.add([...app, p('Orders.create', 77), empty, p('Client.post', 212), empty, k('entry_SYSCALL_64_after_hwframe', 0xa000b0), k('do_syscall_64', 0x9d3e20), k('__x64_sys_sendto', 0x7c21d4)], [3 * 52_631_578]);
  b.add([...app, p('Orders.create', 80), empty, empty, k('asm_sysvec_apic_timer_interrupt', 0xa01a40), k('sysvec_apic_timer_interrupt', 0x9d51c8)], [2 * 52_631_578]);
  b.add([...app, p('Orders.list', 102), p('Cursor.fetchall', 19)], [5 * 52_631_578]);
  b.add([...app, empty], [52_631_578]);
  write(PROFILES, 'no-addr-no-line.pb.gz', gz(encode(b.build())), 'locations with neither address nor line');
}

/** Addresses and functions but no Mapping messages at all (mapping_id 0 everywhere). It also
 * names its default sample type, the first one (without it, pprof shows the last). */
function noMappings(): void {
  const next = rng(61);
  const b = new ProfileBuilder({
    sampleTypes: [['samples', 'count'], ['cpu', 'nanoseconds']],
    defaultSampleType: 'samples',
    periodType: ['cpu', 'nanoseconds'],
    period: 10_000_000,
    timeNanos: T0,
    durationNanos: 5n * SECOND,
  });
  const f = (name: string, file: string, line: number, address: bigint): Frame => ({ address, lines: [{ name, file, line }] });
  const main = [f('main', 'kv/main.c', 30, 0x401136n), f('serve', 'kv/server.c', 77, 0x4012a0n)];
  for (let i = 0; i < 200; i++) {
    const stack = pick<() => Frame[]>(next, [
      [5, () => [...main, f('handle_get', 'kv/server.c', 120, 0x401480n), f('ht_lookup', 'kv/hash.c', 44, 0x401700n), f('hash_bytes', 'kv/hash.c', 12, 0x4016a0n)]],
      [3, () => [...main, f('handle_set', 'kv/server.c', 141, 0x401520n), f('ht_insert', 'kv/hash.c', 61, 0x401780n), f('ht_grow', 'kv/hash.c', 90, 0x401800n)]],
      [2, () => [...main, f('handle_set', 'kv/server.c', 143, 0x401538n), f('log_append', 'kv/log.c', 25, 0x401900n)]],
    ])();
    b.add(stack, [1, 10_000_000]);
  }
  write(PROFILES, 'no-mappings.pb.gz', gz(encode(b.build())), 'no Mapping messages');
}

/** No sample_type at all (one value per sample, the period type says cpu/nanoseconds): go tool
 * pprof rejects it ("missing sample type information"). (google/pprof's
 * cppbench.cpu_no_samples_type is not this: it declares cpu/nanoseconds, only no samples/count.) */
function noSampleTypes(): void {
  const b = new ProfileBuilder({
    sampleTypes: [],
    periodType: ['cpu', 'nanoseconds'],
    period: 10_000_000,
    timeNanos: T0,
    durationNanos: 3n * SECOND,
  });
  const m = b.mapping({ start: 0x400000n, limit: 0x600000n, file: '/opt/bench/bench_server', hasFunctions: true, hasFilenames: true, hasLineNumbers: true });
  const f = (name: string, file: string, line: number, address: bigint): Frame => ({ mapping: m, address, lines: [{ name, file, line }] });
  const root = [f('main', 'bench/main.cc', 18, 0x401100n), f('bench::Server::Run', 'bench/server.cc', 52, 0x401300n)];
  b.add([...root, f('bench::Server::Handle', 'bench/server.cc', 80, 0x401400n), f('bench::Parse', 'bench/parse.cc', 33, 0x401500n)], [40_000_000]);
  b.add([...root, f('bench::Server::Handle', 'bench/server.cc', 84, 0x401410n), f('bench::Checksum', 'bench/sum.cc', 9, 0x401600n)], [30_000_000]);
  write(MALFORMED, 'no-sample-types.pb.gz', gz(encode(b.build())), 'rejected by pprof: no sample types declared');
}

/** A Go-like CPU profile whose samples each carry a unique span_id (string labels with many
 * values), a span_name with a few, and numeric labels with and without units. */
function spanLabels(): void {
  const next = rng(81);
  const b = new ProfileBuilder({
    sampleTypes: [['samples', 'count'], ['cpu', 'nanoseconds']],
    periodType: ['cpu', 'nanoseconds'],
    period: 10_000_000,
    timeNanos: T0,
    durationNanos: 10n * SECOND,
  });
  const m = b.mapping({ start: 0x400000n, limit: 0xc00000n, file: '/app/checkout', buildId: 'a1b2c3d4', hasFunctions: true, hasFilenames: true, hasLineNumbers: true });
  let pc = 0x401000n;
  const addrs = new Map<string, bigint>();
  const f = (name: string, file: string, line: number): Frame => {
    const key = `${name}:${line}`;
    if (!addrs.has(key)) addrs.set(key, (pc += 0x40n));
    return { mapping: m, address: addrs.get(key), lines: [{ name, file, line }] };
  };
  const root = [f('runtime.goexit', 'runtime/asm_amd64.s', 1700), f('net/http.(*conn).serve', 'net/http/server.go', 2092), f('net/http.serverHandler.ServeHTTP', 'net/http/server.go', 3210), f('main.(*api).ServeHTTP', 'checkout/api.go', 41)];
  const spans: [string, () => Frame[]][] = [
    ['POST /cart/checkout', () => [...root, f('main.(*api).checkout', 'checkout/api.go', 88), f('main.priceCart', 'checkout/price.go', 22), f('math/big.(*Float).Mul', 'math/big/float.go', 1590)]],
    ['POST /cart/checkout', () => [...root, f('main.(*api).checkout', 'checkout/api.go', 95), f('encoding/json.Marshal', 'encoding/json/encode.go', 161), f('encoding/json.(*encodeState).marshal', 'encoding/json/encode.go', 293)]],
    ['GET /cart', () => [...root, f('main.(*api).cart', 'checkout/api.go', 60), f('database/sql.(*DB).QueryContext', 'database/sql/sql.go', 1747), f('syscall.Syscall', 'syscall/syscall_linux.go', 73)]],
    ['GET /healthz', () => [...root, f('main.(*api).health', 'checkout/api.go', 30)]],
  ];
  for (let i = 0; i < 240; i++) {
    const [name, stack] = pick(next, [[6, spans[0]!], [4, spans[1]!], [5, spans[2]!], [1, spans[3]!]]);
    const spanId = (Math.floor(next() * 2 ** 32) >>> 0).toString(16).padStart(8, '0') + (Math.floor(next() * 2 ** 32) >>> 0).toString(16).padStart(8, '0');
    const labels: Labels = {
      span_id: spanId,
      span_name: name,
      request_bytes: [256 * (1 + Math.floor(next() * 16)), 'bytes'],
      queue_time: [Math.floor(next() * 50) * 1_000_000, 'nanoseconds'],
      goroutine: 100 + Math.floor(next() * 20), // a number without a unit
    };
    b.newSample(stack(), [1, 10_000_000], labels);
  }
  write(PROFILES, 'span-labels.pb.gz', gz(encode(b.build())), `span_id per sample + numeric labels with units, ${b.sampleCount} samples`);
}

/** A function name that is not valid UTF-8 (bytes 0xff 0xfe in the middle of it). */
function invalidUtf8(): void {
  const b = new ProfileBuilder({
    sampleTypes: [['cpu', 'nanoseconds']],
    periodType: ['cpu', 'nanoseconds'],
    period: 10_000_000,
    timeNanos: T0,
    durationNanos: SECOND,
  });
  const placeholder = 'main.bad\u0001\u0001name';
  const m = b.mapping({ start: 0x400000n, limit: 0x500000n, file: '/app/demo', hasFunctions: true });
  const f = (name: string, address: bigint): Frame => ({ mapping: m, address, lines: [{ name, systemName: name }] });
  b.add([f('main.main', 0x401000n), f(placeholder, 0x401100n)], [30_000_000]);
  b.add([f('main.main', 0x401000n), f('main.good', 0x401200n)], [10_000_000]);
  const bytes = encode(b.build());
  // The string table is UTF-8: swap the two placeholder bytes for ones no UTF-8 text contains.
  const needle = Buffer.from(placeholder, 'utf8');
  const at = Buffer.from(bytes).indexOf(needle);
  if (at < 0 || Buffer.from(bytes).indexOf(needle, at + 1) >= 0) throw new Error('placeholder not found exactly once');
  bytes[at + 8] = 0xff;
  bytes[at + 9] = 0xfe;
  write(PROFILES, 'invalid-utf8.pb.gz', gz(bytes), 'function name with invalid UTF-8');
}

/** Inputs that are not profiles at all, or broken ones. */
function notProfiles(): void {
  write(MALFORMED, 'empty.pb.gz', new Uint8Array(), 'empty file');
  // The 8-byte PNG signature, then the start of an IHDR chunk.
  write(MALFORMED, 'image.pb.gz', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 16, 0, 0, 0, 16, 8, 6, 0, 0, 0]), 'PNG header');
  write(MALFORMED, 'text.pb.gz', new TextEncoder().encode('This is a text file, not a profile.\nIt has two lines.\n'), 'plain text');
  write(MALFORMED, 'gzipped-text.pb.gz', gz(new TextEncoder().encode('<html><body>404 page not found</body></html>\n')), 'valid gzip of HTML');
  // Bytes from the generator, with a first byte that reads as "field 1, length-delimited" (a
  // sample_type) whose length runs past the end.
  const next = rng(91);
  const garbage = Uint8Array.from({ length: 64 }, () => Math.floor(next() * 256));
  garbage[0] = 0x0a;
  garbage[1] = 0x7f;
  write(MALFORMED, 'garbage.pb', garbage, 'protobuf garbage');
  // The first half of one of our own gzipped heap profiles.
  const heap = readFileSync(new URL('go-heap.pb.gz', PROFILES));
  write(MALFORMED, 'truncated.pb.gz', heap.subarray(0, heap.length >> 1), 'truncated gzip (first half of profiles/go-heap.pb.gz)');
}

javaCpu();
javaAlloc();
dotnet();
dotnetFunctionIdZero();
pyspy();
rbspy();
rust();
nativeKernel();
noAddrNoLine();
noMappings();
noSampleTypes();
spanLabels();
invalidUtf8();
notProfiles();
for (const w of written) console.log('wrote testdata/' + w);
