// Output piped into a reader that quit (`fluxo consume t | head`) is a normal end, not an
// error. Commands with work to finish on it (consume: commit, leave the group) register here;
// for every other command the process just ends with 0.

const listeners = new Set<() => void>();
let closed = false;

/** Installed once by main: every write to a closed pipe fails with EPIPE, so this runs often. */
export function installStdoutClosedHandler(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    if (closed) return;
    closed = true;
    if (listeners.size === 0) process.exit(0);
    for (const listener of [...listeners]) listener();
  });
}

/** Calls `listener` (once) when stdout's reader goes away; returns the unregister function. */
export function onStdoutClosed(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function stdoutClosed(): boolean {
  return closed;
}

/** Resolves once everything written to stdout so far has been handed over (or failed). */
export function stdoutWritten(): Promise<void> {
  return new Promise((resolve) => process.stdout.write('', () => resolve()));
}
