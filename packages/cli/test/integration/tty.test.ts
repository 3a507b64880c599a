// What only a terminal gets, through the built binary under a pseudo-terminal: colour, the
// perf progress line, and Ctrl-C ending a perf run with its report.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Broker, fluxo, startBroker } from './harness.js';
import { fluxoInPty, SCRIPT_MISSING } from './pty.js';

let broker: Broker;
before(async () => {
  broker = await startBroker();
  const created = await fluxo(['topics', 'create', 'painted', '--partitions', '2', ...broker.flag]);
  assert.equal(created.code, 0, created.stderr);
});
after(() => broker.stop());

const ESC = '\u001b[';
const CLEAR_LINE = '\r\u001b[2K';
/** A progress line as perf-report.ts writes it. */
const PROGRESS = new RegExp(
  `${CLEAR_LINE.replace('[', '\\[')}\\d+ records, \\d+ records/s, [\\d.]+ MB/s, p99 [\\d.]+ ms, max [\\d.]+ ms`,
);
/** The bold header of a perf report, at the start of the text. */
const BOLD_REPORT_HEADER = `${ESC}1mRECORDS `;

/** What follows the last clearing of the progress line, with the terminal's \r\n as \n. */
function afterProgress(output: string): string {
  return output.slice(output.lastIndexOf(CLEAR_LINE) + CLEAR_LINE.length).replace(/\r\n/g, '\n');
}

describe('on a terminal', { skip: SCRIPT_MISSING ?? false, concurrency: true }, () => {
  it('colours table headers and the error prefix; never with NO_COLOR or when piped', async () => {
    const b = broker.flag;
    const [tty, ttyError, noColour, piped, pipedError] = await Promise.all([
      fluxoInPty(['topics', 'describe', 'painted', ...b], { colour: true }),
      fluxoInPty(['topics', 'describe', 'nope', ...b], { colour: true }),
      fluxoInPty(['topics', 'describe', 'painted', ...b], { env: { NO_COLOR: '1' } }),
      fluxo(['topics', 'describe', 'painted', ...b], { colour: true }),
      fluxo(['topics', 'describe', 'nope', ...b], { colour: true }),
    ]);
    assert.equal(tty.code, 0, tty.stdout);
    assert.ok(tty.stdout.includes(`${ESC}1mTOPIC `), `bold header expected:\n${JSON.stringify(tty.stdout)}`);
    assert.equal(ttyError.code, 1);
    assert.ok(ttyError.stdout.includes(`${ESC}31mfluxo:${ESC}0m`), JSON.stringify(ttyError.stdout));

    assert.equal(noColour.code, 0, noColour.stdout);
    assert.match(noColour.stdout, /TOPIC +PARTITIONS/);
    assert.ok(!noColour.stdout.includes(ESC), 'NO_COLOR: no escape codes');
    assert.equal(piped.code, 0, piped.stderr);
    assert.match(piped.stdout, /^TOPIC +PARTITIONS/);
    assert.ok(!piped.stdout.includes(ESC) && !pipedError.stderr.includes(ESC), 'a pipe gets no escape codes');
    assert.match(pipedError.stderr, /^fluxo: UNKNOWN_TOPIC_OR_PARTITION/);
  });

  it('perf produce shows a progress line, clears it, then prints the report', async () => {
    const r = await fluxoInPty(
      ['perf', 'produce', 'painted', '--duration-ms', '2500', '--throughput', '2000', ...broker.flag],
      { colour: true },
    );
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, PROGRESS);
    const report = afterProgress(r.stdout);
    assert.ok(report.startsWith(BOLD_REPORT_HEADER), JSON.stringify(r.stdout));
    assert.match(report, /RECORDS +SECONDS +RECORDS\/S/);
    assert.ok(!PROGRESS.test(report), 'no progress after the report');
  });

  it('Ctrl-C stops perf produce: the line is cleared, the report covers what was sent, exit 130', async () => {
    const r = await fluxoInPty(
      ['perf', 'produce', 'painted', '--num-records', '1000000000', '--throughput', '2000', '--json', ...broker.flag],
      { interruptWhen: PROGRESS },
    );
    assert.equal(r.code, 130, r.stdout);
    const report = JSON.parse(afterProgress(r.stdout)) as {
      records: number;
      interrupted: boolean;
      acks: string;
      idempotence: boolean;
    };
    assert.equal(report.interrupted, true);
    assert.ok(report.records > 0 && report.records < 1_000_000_000, `${report.records} records`);
    assert.deepEqual([report.acks, report.idempotence], ['all', true], 'the settings used');
  });

  it('Ctrl-C stops perf consume with the report of the records consumed, exit 130', async () => {
    const b = broker.flag;
    assert.equal((await fluxo(['topics', 'create', 'drained', ...b])).code, 0);
    const seeded = await fluxo(['perf', 'produce', 'drained', '--num-records', '300', '--record-size', '10', ...b]);
    assert.equal(seeded.code, 0, seeded.stderr);
    // Far more messages than exist and no idle timeout to speak of: only Ctrl-C ends it.
    const r = await fluxoInPty(
      ['perf', 'consume', 'drained', '--messages', '1000000', '--idle-timeout-ms', '600000', ...b],
      { interruptWhen: PROGRESS, colour: true },
    );
    assert.equal(r.code, 130, r.stdout);
    const report = afterProgress(r.stdout);
    assert.ok(report.startsWith(BOLD_REPORT_HEADER), JSON.stringify(r.stdout));
    assert.match(report, /\n +300 +/, 'the 300 records consumed');
  });
});
