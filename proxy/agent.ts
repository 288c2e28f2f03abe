// The parent side of the node agent: spawns userspace_main inside the node namespace and sends
// it plans, one request at a time, awaiting each reply.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { PodnetError } from '../api/errors.js';
import type { AgentReply, AgentRequest } from './userspace_main.js';
import type { ProxyPlan } from './types.js';

export class NodeAgent {
  private seq = 0;
  private readonly waiting = new Map<number, (r: AgentReply) => void>();
  private exited = false;
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let reply: AgentReply;
      try {
        reply = JSON.parse(line) as AgentReply;
      } catch {
        return;
      }
      this.waiting.get(reply.seq)?.(reply);
      this.waiting.delete(reply.seq);
    });
    child.stderr!.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-4000)));
    child.on('exit', () => {
      this.exited = true;
      for (const [seq, fn] of this.waiting) fn({ seq, errors: [`proxy: node agent exited: ${this.stderr.trim()}`] });
      this.waiting.clear();
    });
  }

  /** Starts the agent in `netns`; resolves once it has said hello. */
  static async start(netns: string, env: NodeJS.ProcessEnv = {}): Promise<NodeAgent> {
    const ts = import.meta.url.endsWith('.ts');
    const main = fileURLToPath(new URL(`./userspace_main.${ts ? 'ts' : 'js'}`, import.meta.url));
    const args = ['netns', 'exec', netns, process.execPath, ...(ts ? ['--import', 'tsx'] : []), main];
    const child = spawn('ip', args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const agent = new NodeAgent(child);
    const hello = await agent.wait(0);
    if (hello.errors.length > 0) throw new PodnetError('PROXY_AGENT_FAILED', `proxy: node agent in "${netns}" failed to start: ${hello.errors.join('; ')}`);
    return agent;
  }

  private wait(seq: number): Promise<AgentReply> {
    if (this.exited) return Promise.resolve({ seq, errors: [`proxy: node agent exited: ${this.stderr.trim()}`] });
    return new Promise((resolve) => this.waiting.set(seq, resolve));
  }

  async send(req: Omit<AgentRequest, 'seq'>): Promise<AgentReply> {
    const seq = ++this.seq;
    const p = this.wait(seq);
    if (!this.exited) this.child.stdin!.write(JSON.stringify({ ...req, seq }) + '\n');
    return p;
  }

  sendPlan(plan: ProxyPlan): Promise<AgentReply> {
    return this.send({ plan });
  }

  /** Closes stdin and waits for the process to exit. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin!.end();
    await done;
  }
}
