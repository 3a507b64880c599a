export * from './core/index.js';
export { RaftServer, type RaftServerOptions, type StateMachine } from './driver/raft-server.js';
export { type RunManyOptions, type RunSummary, runMany } from './sim/run-many.js';
export { type Canary, runSchedule, type ScheduleOptions, type ScheduleResult } from './sim/simulator.js';
export * from './wire/index.js';
