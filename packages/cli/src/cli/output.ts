// Human output (aligned tables, colour only on a TTY) and JSON output for scripts.

/** Colour when the stream is a terminal and NO_COLOR is unset (https://no-color.org). */
export function colourEnabled(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR;
}

function paint(code: string, text: string, stream: NodeJS.WriteStream): string {
  return colourEnabled(stream) ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export const bold = (text: string, stream = process.stdout) => paint('1', text, stream);
export const red = (text: string, stream = process.stderr) => paint('31', text, stream);
export const dim = (text: string, stream = process.stdout) => paint('2', text, stream);

export type Cell = string | number | bigint | boolean | null | undefined;

function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '-';
  return String(cell);
}

/** Columns padded to their widest cell; numbers are right-aligned. */
export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const texts = rows.map((row) => row.map(cellText));
  const numeric = headers.map((_, i) =>
    rows.every((r) => r[i] === null || r[i] === undefined || typeof r[i] === 'number' || typeof r[i] === 'bigint'),
  );
  const widths = headers.map((h, i) => Math.max(h.length, ...texts.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) =>
        i === cells.length - 1 && !numeric[i] ? c : numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!),
      )
      .join('  ');
  return [bold(line(headers.map((h, i) => (numeric[i] ? h.padStart(widths[i]!) : h)))), ...texts.map(line)].join('\n');
}

export function printTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): void {
  process.stdout.write(`${formatTable(headers, rows)}\n`);
}

/** JSON with bigints as numbers when exact, otherwise as strings. */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v !== 'bigint') return v;
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
    },
    indent,
  );
}

export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value, 2)}\n`);
}

/** One JSON document per line (consume --json). */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

/** Status messages go to stderr so stdout stays data. */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}
