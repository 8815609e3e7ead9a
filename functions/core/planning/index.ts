/** The planning capability's public face: other code imports from here, never from its files. */
export { planDigest, type PlanDeps, planWindow, type PlanReport, windowStart } from './plan.ts';
export { type EditionSource, type EditionWindow, storedEditionSource } from './edition-source.ts';
export { type Queue } from './ports.ts';
export { type HourlyReport, planAndRepick } from './hourly-run.ts';
