/**
 * Runs `work` in idle-time slices of at most `sliceMs` (requestIdleCallback; timers where there is none): `work(more)`
 * works while `more()` is true and returns true once finished. A click meanwhile waits for one slice at most. Each
 * slice is measured as `label` (performance.measure) when given. Returns a function that cancels what is left.
 */
export function inIdleSlices(work: (more: () => boolean) => boolean, label?: string, sliceMs = 12): () => void {
  const idle = typeof requestIdleCallback === 'function';
  let id = 0;
  let stopped = false;
  const step = (deadline?: IdleDeadline) => {
    if (stopped) return;
    const t = performance.now();
    const done = work(() => performance.now() - t < sliceMs && (!deadline || deadline.timeRemaining() > 2));
    if (label) performance.measure(label, { start: t });
    if (!done) schedule(500);
  };
  const schedule = (wait: number) => {
    id = idle ? requestIdleCallback(step, { timeout: wait }) : window.setTimeout(step, wait / 5);
  };
  schedule(1000);
  return () => {
    stopped = true;
    if (idle) cancelIdleCallback(id);
    else clearTimeout(id);
  };
}
