// exec, attach, logs and port-forward through real kubectl binaries: 1.27 (SPDY/3.1) and 1.33
// (WebSocket exec, SPDY tunnelled in WebSocket for port-forward), against a fake PodStreams that
// echoes, so the test checks the apiserver's protocol work and nothing else.
import assert from 'node:assert/strict';
import { createServer, connect, type Server } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { MemoryStorage } from '../storage/memory.js';
import type { ExecRequest, PodStreams } from './podstreams.js';
import { kubectlPath, kubectlRunner, startTestServer, waitForOutput, type TestServer } from './testkit.js';

function fakePodStreams(echoPort: () => number): PodStreams {
  return {
    async logs(_ns, pod, opts) {
      return Readable.from([`log of ${pod}/${opts.container}\n`, `tail=${opts.tailLines ?? 'all'}\n`]);
    },
    async exec(req: ExecRequest) {
      const [cmd, ...args] = req.command;
      if (cmd === 'echo') req.stdout?.write(args.join(' ') + '\n');
      else if (cmd === 'cat' && req.stdin) {
        for await (const chunk of req.stdin) req.stdout?.write(chunk);
      } else if (cmd === 'fail') {
        req.stderr?.write('failing on purpose\n');
        return { exitCode: Number(args[0] ?? 1) };
      } else if (cmd === 'missing') throw new Error('container "nope" not found');
      return { exitCode: 0 };
    },
    async portForward(_ns, _pod, port) {
      if (port !== 80) throw new Error(`nothing listens on port ${port}`);
      return connect(echoPort(), '127.0.0.1');
    },
  };
}

describe('pod streams through kubectl', () => {
  let server: TestServer;
  let echo: Server;
  before(async () => {
    echo = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const port = (echo.address() as { port: number }).port;
    server = await startTestServer(new MemoryStorage(), { podStreams: fakePodStreams(() => port) });
    const k = kubectlRunner(kubectlPath('1.33') ?? kubectlPath('1.27')!, server);
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: web-0, namespace: default}\nspec:\n  containers: [{name: nginx, image: nginx}]\n`;
    const r = await k.run(['apply', '-f', '-'], { stdin: pod });
    assert.equal(r.code, 0, r.stderr);
    // kubectl port-forward refuses pods that are not Running.
    const st = await k.run(['patch', 'pod', 'web-0', '--subresource', 'status', '--type', 'merge', '-p', '{"status":{"phase":"Running"}}']);
    assert.equal(st.code, 0, st.stderr);
  });
  after(async () => {
    await server?.close();
    await new Promise<void>((r) => echo?.close(() => r()));
  });

  for (const version of ['1.27', '1.33']) {
    const binary = kubectlPath(version);
    describe(`kubectl ${version}`, { skip: binary ? false : `kubectl.${version} is not installed` }, () => {
      const k = () => kubectlRunner(binary!, server);

      test('exec prints the command output', async () => {
        const r = await k().run(['exec', 'web-0', '--', 'echo', 'hello', 'from', 'podnet']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'hello from podnet\n');
      });

      test('exec -i relays stdin to the command and its output back', async () => {
        const r = await k().run(['exec', '-i', 'web-0', '--', 'cat'], { stdin: 'line one\nline two\n' });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'line one\nline two\n');
      });

      test('exec reports a non-zero exit code and stderr', async () => {
        const r = await k().run(['exec', 'web-0', '--', 'fail', '3']);
        assert.equal(r.code, 3);
        assert.match(r.stderr, /failing on purpose/);
        assert.match(r.stderr, /command terminated with exit code 3/);
      });

      test('logs returns the container log', async () => {
        const r = await k().run(['logs', 'web-0', '--tail', '5']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'log of web-0/nginx\ntail=5\n');
      });

      test('port-forward carries bytes to the pod port and back', { timeout: 30_000 }, async () => {
        const child = k().spawn(['port-forward', 'pod/web-0', ':80']);
        try {
          const out = await waitForOutput(child, /Forwarding from 127\.0\.0\.1:(\d+)/);
          const local = Number(/127\.0\.0\.1:(\d+)/.exec(out)![1]);
          const reply = await new Promise<string>((resolve, reject) => {
            const sock = connect(local, '127.0.0.1', () => sock.write('ping through podnet'));
            let got = '';
            sock.on('data', (d) => {
              got += d.toString();
              if (got.length >= 'ping through podnet'.length) {
                sock.end();
                resolve(got);
              }
            });
            sock.on('error', reject);
          });
          assert.equal(reply, 'ping through podnet');
        } finally {
          child.kill();
        }
      });
    });
  }

  test('exec without a connected kubelet answers 503 with a Status', async () => {
    const bare = await startTestServer(new MemoryStorage());
    try {
      const binary = kubectlPath('1.33') ?? kubectlPath('1.27');
      if (!binary) return;
      const k = kubectlRunner(binary, bare);
      await k.run(['run', 'p', '--image', 'nginx']);
      const r = await k.run(['exec', 'p', '--', 'echo', 'x']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /no kubelet is connected/);
    } finally {
      await bare.close();
    }
  });
});
