export {
  OVERPLANE_BASE_PATH,
  OVERPLANE_SIM_DEFAULT_LIMIT,
  OVERPLANE_SIM_MAX_LIMIT,
  OVERPLANE_SIM_TOKEN,
  buildOverplaneSpec,
  startOverplaneSimulator,
  type OverplaneSimulatorOptions,
  type RunningOverplaneSimulator,
} from './server.ts';
export { OverplaneStore, type LineKind, type SeedRecord, type SimLead, type SimLineItem, type SimProspect } from './store.ts';
