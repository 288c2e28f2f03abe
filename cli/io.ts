// Output for commands, injectable so tests can capture it.
export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: CommandIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
