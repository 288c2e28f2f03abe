// Where the browser tests put their screenshots: observe/screenshots/ in the checkout (the ones
// the README shows) only when PODNET_SCREENSHOTS=1, so that an ordinary test run leaves the
// committed images alone; otherwise one fixed folder under the system's temp dir, overwritten by
// every run (inspectable after a failure, never piling up).
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** observe/screenshots in the checkout, from observe/ (tsx) or dist/observe/ (npm test). */
function checkoutShots(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, 'observe', 'screenshots');
}

/** The folder to write screenshots to (created). */
export function screenshotDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.PODNET_SCREENSHOTS === '1' ? checkoutShots() : join(tmpdir(), 'podnet-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
