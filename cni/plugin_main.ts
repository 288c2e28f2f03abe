// Entry point that runs the plugin when executed directly (tests write a wrapper around it; the
// installed binary is bin/podnet-cni, which imports main.js).
import { main } from './main.js';

main().catch((err: unknown) => {
  process.stdout.write(JSON.stringify({ cniVersion: '1.1.0', code: 100, msg: String((err as Error)?.message ?? err) }) + '\n');
  process.exit(1);
});
