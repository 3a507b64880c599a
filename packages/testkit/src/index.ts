export { type BrokerProcess, type BrokerProcessOptions, startBrokerProcess } from './child-process-broker.js';
export { splitHostPort, startTestBroker, type TestBroker, type TestBrokerOptions } from './in-process-broker.js';
export { makeTempDir, removeDir } from './temp-dir.js';
