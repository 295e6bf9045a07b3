import type { Logger } from "./ledger/ops/deps.js";
import { loggableError } from "./log-error.js";

/**
 * Runs `task` every `ms` without overlap (the first run after `firstMs`); a failing run is logged
 * and the next one still happens. `stop` waits for a run in progress.
 */
export function every(
  ms: number,
  task: () => Promise<unknown>,
  log: Logger,
  name: string,
  firstMs = ms,
): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const loop = () => {
    running = task()
      .then(() => undefined)
      .catch((error: unknown) => log.warn({ task: name, error: loggableError(error) }, "background task failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, ms);
      });
  };
  timer = setTimeout(loop, firstMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
