// What workflow code needs from the sweep model: the planner, ASHA, queue names and a trial's segment
// ends. Workflows are bundled and their modules evaluated again for every workflow execution, so this
// entry point must not load the spec's zod schema or the YAML parser (a test in packages/workflows checks
// the bundle).
export { ashaDecide, ashaRungs, decideHeldRungs, holdRungReport } from './asha.js';
export type { AshaDecision, ConfigurationRungDecision, HeldRung, HeldRungReport } from './asha.js';
export {
  configurationKey,
  createPlanner,
  nextConfiguration,
  nextTrial,
  optimisesSeedMean,
  recordTrialValue,
  totalTrials,
  tpeMinimisesPerTrial,
  trialGroups,
} from './plan.js';
export type { CreatePlannerOptions, PlannerState, TrialPlan } from './plan.js';
export { acceleratorOfQueue, DEFAULT_TRAIN_QUEUE, GPU_TRAIN_QUEUE, isTrainQueue } from './resources.js';
export { segmentEnds } from '../trial/segments.js';
export type { SegmentedTrial } from '../trial/segments.js';
