// `node packages/broker/dist/src/bin.js [start flags]`: the broker alone, the
// same as `fluxo start` (crash tests spawn it without the CLI package).
import { runBroker } from './main.js';

runBroker(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`fluxo: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
