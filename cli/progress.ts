// Progress lines from the daemon to `podnet up` (which prints them as they come).
import { appendFileSync } from 'node:fs';

export type Progress = (line: string) => void;

export function progressTo(file: string): Progress {
  return (line: string) => {
    appendFileSync(file, `${line}\n`);
    process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  };
}
