// nftables behind a small interface: one atomic `nft -f -` transaction per apply, JSON reads.
// `FakeNft` records scripts for unit tests of planners that don't need a kernel.
import { run, runOk } from './exec.js';

export interface Nft {
  /** Applies a script atomically (`nft -f -`) in the namespace; throws with nft's error text on failure. */
  apply(netns: string, script: string): Promise<void>;
  /** Checks a script without applying it (`nft -c -f -`). */
  check(netns: string, script: string): Promise<void>;
  /** Lists a table as text, or undefined when it does not exist. */
  listTable(netns: string, family: string, table: string): Promise<string | undefined>;
  /** Lists a table as nft's JSON, or undefined when it does not exist. */
  listTableJson(netns: string, family: string, table: string): Promise<unknown | undefined>;
  /** Deletes a table; succeeds when it is already gone. */
  deleteTable(netns: string, family: string, table: string): Promise<void>;
}

export const realNft: Nft = {
  async apply(netns, script) {
    await runOk('nft', ['-f', '-'], { netns, input: script });
  },
  async check(netns, script) {
    await runOk('nft', ['-c', '-f', '-'], { netns, input: script });
  },
  async listTable(netns, family, table) {
    const r = await run('nft', ['list', 'table', family, table], { netns });
    return r.code === 0 ? r.stdout : undefined;
  },
  async listTableJson(netns, family, table) {
    const r = await run('nft', ['--json', 'list', 'table', family, table], { netns });
    return r.code === 0 ? (JSON.parse(r.stdout) as unknown) : undefined;
  },
  async deleteTable(netns, family, table) {
    const r = await run('nft', ['delete', 'table', family, table], { netns });
    if (r.code !== 0 && !/No such file or directory|does not exist/i.test(r.stderr)) {
      throw new Error(`host: cannot delete nft table ${family} ${table} in "${netns}": ${r.stderr.trim()}`);
    }
  },
};

/** Records applied scripts per namespace; for planner tests that must not touch a kernel. */
export class FakeNft implements Nft {
  readonly applied: { netns: string; script: string }[] = [];
  readonly deleted: { netns: string; family: string; table: string }[] = [];
  async apply(netns: string, script: string): Promise<void> {
    this.applied.push({ netns, script });
  }
  async check(): Promise<void> {}
  async listTable(): Promise<string | undefined> {
    return undefined;
  }
  async listTableJson(): Promise<unknown | undefined> {
    return undefined;
  }
  async deleteTable(netns: string, family: string, table: string): Promise<void> {
    this.deleted.push({ netns, family, table });
  }
}
