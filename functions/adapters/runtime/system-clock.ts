import type { Clock } from '../../core/shared/index.ts';

export const systemClock: Clock = { now: () => new Date() };
