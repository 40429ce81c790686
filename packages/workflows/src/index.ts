export { TASK_QUEUES, isTaskQueue, doctorWorkflowId } from './task-queues.js';
export type { TaskQueue } from './task-queues.js';
export type { DoctorActivities, DoctorReport, WorkerIdentity } from './activities.js';
export { workflowsPath } from './paths.js';
// Workflow functions as types only: clients start them by name and never load workflow code.
export type { doctorWorkflow } from './workflows/index.js';
