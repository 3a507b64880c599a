// Ctrl-C (SIGINT) and SIGTERM for commands that run until stopped: the first signal asks the
// command to finish (commit, leave its group, print its report); a second one exits at once.

/** The shell's code for a process ended by SIGINT (128 + 2). */
export const EXIT_INTERRUPTED = 130;

/** Calls `stop` on the first SIGINT/SIGTERM; returns the function that removes the handlers. */
export function onInterrupt(stop: () => void): () => void {
  let signalled = false;
  const handler = () => {
    if (signalled) process.exit(EXIT_INTERRUPTED);
    signalled = true;
    stop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
