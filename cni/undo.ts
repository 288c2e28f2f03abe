// A stack of undo steps: a failed ADD runs them in reverse so it leaves nothing behind.
export class UndoStack {
  private readonly steps: (() => Promise<unknown>)[] = [];
  push(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }
  /** Runs every step, newest first, carrying on past failures; returns their messages. */
  async unwind(): Promise<string[]> {
    const errors: string[] = [];
    while (this.steps.length) {
      const step = this.steps.pop()!;
      try {
        await step();
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
      }
    }
    return errors;
  }
}
