/** Runs a task at the top of every hour, like the EventBridge schedule `cron(0 * * * ? *)`. */
const HOUR_MS = 3600 * 1000;

export function everyHour(task: () => Promise<void>, now: () => number = Date.now): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (): void => {
    const wait = HOUR_MS - (now() % HOUR_MS);
    timer = setTimeout(() => {
      void task().finally(() => {
        if (!stopped) schedule();
      });
    }, wait);
  };
  schedule();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
