// A small program profiled by the Grafana Pyroscope Node.js SDK (@pyroscope/nodejs), for
// `npm run test:sdk`. Usage: node app.mjs SERVER_URL APP_NAME SECONDS. It pushes wall (with CPU
// time) and heap profiles for SECONDS, with static tags and a wrapWithLabels tag, then stops the
// profiler, which uploads what is left. Its hot function has a name the test looks for.
import Pyroscope from '@pyroscope/nodejs';

const [server, app, seconds] = process.argv.slice(2);
const end = Date.now() + Number(seconds) * 1000;

Pyroscope.init({
  serverAddress: server,
  appName: app,
  tags: { sdk_test: 'node', region: 'local' },
  flushIntervalMs: 5000,
  wall: { collectCpuTime: true },
});
Pyroscope.start();

let sink = 0;
const kept = [];

// Integer mixing for 10 ms of each 20 ms, so the suite's five programs share two cores; a few
// buffers kept on each round, so the heap profile has something of its own.
function flamelensSdkNodeHotLoop() {
  let x = 1;
  const until = Date.now() + 10;
  while (Date.now() < until) {
    for (let i = 0; i < 10000; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  }
  sink += x;
  kept.push(new Array(256).fill(x));
  if (kept.length > 2000) kept.shift();
}

function tick() {
  if (Date.now() >= end) {
    Pyroscope.stop().then(() => console.error(`sdknode: done (${sink !== 0})`));
    return;
  }
  Pyroscope.wrapWithLabels({ handler: 'checkout' }, flamelensSdkNodeHotLoop);
  setTimeout(tick, 10);
}
tick();
