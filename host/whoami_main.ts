// A tiny TCP server for connectivity tests: answers every connection with "<name> <client ip>\n"
// and closes, so a test can see which address the server saw (NAT or not).
// Usage: node whoami_main.js NAME PORT [HOST]; prints "ready" once listening; exits when stdin closes.
import net from 'node:net';

const [name = 'whoami', port = '8080', host = '0.0.0.0'] = process.argv.slice(2);
const server = net.createServer((c) => {
  c.on('error', () => c.destroy());
  c.end(`${name} ${c.remoteAddress?.replace(/^::ffff:/, '')}\n`);
});
server.listen({ port: Number(port), host }, () => process.stdout.write('ready\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
