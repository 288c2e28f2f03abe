// The benchmark's apiserver, in its own process so the controller process' RSS and CPU are its own.
import { startApiServer } from '../../apiserver/server.js';
import { MemoryStorage } from '../../storage/memory.js';

const api = await startApiServer({ storage: new MemoryStorage(), listen: { host: '127.0.0.1', port: 0 } });
process.stdout.write(`${api.url}\n`);
process.on('SIGTERM', () => void api.close().then(() => process.exit(0)));
