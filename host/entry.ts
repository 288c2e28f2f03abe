// How to start one of podnet's own entry points as a separate process (possibly through
// `ip netns exec`): the compiled .js under dist/, or the .ts source through tsx when podnet itself
// runs from source (tests with `node --import tsx`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** argv (node binary first) that runs the module at `jsUrl`, e.g. new URL('./relay_main.js', import.meta.url). */
export function nodeArgv(jsUrl: URL): string[] {
  const js = fileURLToPath(jsUrl);
  if (existsSync(js)) return [process.execPath, js];
  const ts = js.replace(/\.js$/, '.ts');
  if (existsSync(ts)) return [process.execPath, '--import', import.meta.resolve('tsx'), ts];
  throw new Error(`host: entry point "${js}" does not exist (was podnet compiled?)`);
}
