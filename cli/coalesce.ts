// Runs an async job after changes, at most one at a time; changes during a run schedule one more run.
export function coalesced(job: () => Promise<void>, onError: (err: unknown) => void, delayMs = 50): { kick(): void; idle(): Promise<void> } {
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const start = () => {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = job()
      .catch(onError)
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          start();
        }
      });
  };
  return {
    kick() {
      if (!timer) timer = setTimeout(start, delayMs);
    },
    async idle() {
      while (running || timer) await (running ?? new Promise((r) => setTimeout(r, delayMs)));
    },
  };
}
