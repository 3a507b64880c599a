// Entry point of a broker started as a child process by startBrokerProcess
// (the same code path as `fluxo start`, without depending on the CLI package).
import { runBroker } from '@fluxo/broker';

runBroker(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`broker process failed: ${String(err)}\n`);
  process.exit(1);
});
