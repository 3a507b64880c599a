import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colourEnabled } from '../../src/cli/output.js';
import { ProgressLine } from '../../src/commands/perf-report.js';

/** A stand-in for process.stdout/stderr that records what is written. */
function fakeStream(isTTY: boolean): NodeJS.WriteStream & { written: string[] } {
  const written: string[] = [];
  return {
    isTTY,
    written,
    write: (text: string) => {
      written.push(text);
      return true;
    },
  } as unknown as NodeJS.WriteStream & { written: string[] };
}

describe('terminal-only output', () => {
  it('colours only a TTY, and never with NO_COLOR', () => {
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      assert.equal(colourEnabled(fakeStream(true)), true);
      assert.equal(colourEnabled(fakeStream(false)), false);
      process.env.NO_COLOR = '1';
      assert.equal(colourEnabled(fakeStream(true)), false);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });

  it('rewrites the progress line on a TTY and clears it at the end; writes nothing otherwise', async () => {
    const tty = fakeStream(true);
    const pipe = fakeStream(false);
    let n = 0;
    const lines = [new ProgressLine(() => `step ${++n}`, 10, tty), new ProgressLine(() => 'never', 10, pipe)];
    await new Promise((resolve) => setTimeout(resolve, 60));
    for (const l of lines) l.stop();
    assert.ok(tty.written.length >= 3, tty.written.join('|'));
    assert.equal(tty.written[0], '\r\u001b[2Kstep 1');
    assert.equal(tty.written[tty.written.length - 1], '\r\u001b[2K', 'cleared');
    assert.deepEqual(pipe.written, []);
  });
});
