/**
 * Generates TypeScript codecs from Apache Kafka's JSON message definitions.
 *   node main.js <schema-dir> <out-dir> [--check]
 * With --check nothing is written; the exit code is 1 when the committed files
 * differ from a fresh generation (CI runs this).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { emitApiTable, emitIndex, modulePath } from './emit-index.js';
import { emitMessage } from './emit-message.js';
import { loadSchemas } from './schema.js';

function generate(schemaDir: string): Map<string, string> {
  const specs = loadSchemas(schemaDir);
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) throw new Error(`duplicate message name ${spec.name}`);
    seen.add(spec.name);
  }
  const files = new Map<string, string>();
  for (const spec of specs) files.set(modulePath(spec), emitMessage(spec));
  files.set('index.ts', emitIndex(specs));
  files.set('api-table.ts', emitApiTable(specs));
  return files;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

function main(argv: string[]): number {
  const [schemaDir, outDir] = argv;
  const check = argv.includes('--check');
  if (!schemaDir || !outDir) {
    console.error('usage: codegen <schema-dir> <out-dir> [--check]');
    return 2;
  }
  const files = generate(schemaDir);
  const existing = new Set(listFiles(outDir).map((p) => relative(outDir, p)));
  if (check) {
    const problems: string[] = [];
    for (const [path, text] of files) {
      const full = join(outDir, path);
      if (!existsSync(full)) problems.push(`missing ${path}`);
      else if (readFileSync(full, 'utf8') !== text) problems.push(`differs ${path}`);
      existing.delete(path);
    }
    for (const path of existing) problems.push(`stale ${path}`);
    if (problems.length > 0) {
      console.error(`generated codecs are out of date (run npm run codegen):\n  ${problems.slice(0, 20).join('\n  ')}`);
      return 1;
    }
    console.log(`codegen check: ${files.size} generated files up to date`);
    return 0;
  }
  for (const path of existing) if (!files.has(path)) rmSync(join(outDir, path));
  for (const [path, text] of files) {
    const full = join(outDir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  console.log(`codegen: wrote ${files.size} files to ${outDir}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
