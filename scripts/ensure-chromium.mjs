// Makes sure the browser the end-to-end tests drive is installed. On Debian (as root), installs
// Debian's chromium package; elsewhere, says what to do. FLAMELENS_CHROMIUM overrides the path
// (or is "playwright" to use Playwright's own browser).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const configured = process.env.FLAMELENS_CHROMIUM ?? process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH;
if (configured === 'playwright') process.exit(0);
const path = configured ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);
if (configured) {
  console.error(`ensure-chromium: FLAMELENS_CHROMIUM=${configured} does not exist`);
  process.exit(1);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!existsSync('/usr/bin/apt-get')) {
  console.error(
    'ensure-chromium: /usr/bin/chromium is missing and apt-get is not available; install Chromium ' +
      'and set FLAMELENS_CHROMIUM to its path, or set FLAMELENS_CHROMIUM=playwright after `npx playwright install chromium`.',
  );
  process.exit(1);
}
const sudo = isRoot ? '' : 'sudo ';
console.log("ensure-chromium: installing Debian's chromium package for the end-to-end tests…");
try {
  execSync(`${sudo}apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${sudo}apt-get install -y -qq chromium`, {
    stdio: 'inherit',
    shell: '/bin/bash',
  });
} catch {
  console.error('ensure-chromium: installing chromium failed; see above.');
  process.exit(1);
}
if (!existsSync(path)) {
  console.error(`ensure-chromium: chromium was installed but ${path} is missing`);
  process.exit(1);
}
