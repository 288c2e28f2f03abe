// Entry point of one `--workers` worker process: the same `ingress serve` command. It exits
// once the command returns (the IPC channel to the primary would otherwise keep it running).
import { ingressServeCommand } from './cli.js';

await ingressServeCommand(process.argv.slice(2));
process.exit(0);
