/** What a planning run needs, and what it reports: the planner's contract with its callers. */
import type { ArticleStore } from '../ingest/index.ts';
import type { Clock, Settings } from '../shared/index.ts';
import type { DigestRenderer, EditionStore } from '../edition/index.ts';
import type { SubscriberStore } from '../subscribers/index.ts';
import type { DeliveryLedger, SendId } from '../delivery/index.ts';
import type { Queue } from './ports.ts';
import type { EditionSource } from './edition-source.ts';

export interface PlanDeps {
  articles: ArticleStore;
  subscribers: SubscriberStore;
  editions: EditionStore;
  queue: Queue;
  renderer: DigestRenderer;
  clock: Clock;
  settings: Settings;
  deliveries: DeliveryLedger;
  /** Names this run (its send id) in the ledger; a scheduled run's is its hour, so a retry resumes it. Random for send-now unless given. */
  runId?: SendId;
  /** Where editions come from; built from `articles` with `renderer` and kept in `editions` unless given. */
  editionSource?: EditionSource;
}

export interface PlanReport {
  /** This run's send: every chunk it wrote carries it. */
  send: SendId;
  cutoff: string;
  editions: { id: string; stories: number; recipients: number; created: boolean }[];
  enqueued: number;
  /** Chunk jobs enqueued (each up to CHUNK_SIZE readers). */
  chunks: number;
  skipped: {
    alreadySentToday: number;
    nothingNew: number;
    /** Readers in a live (open, claimed or paused) chunk of another run, or one this run met: that send sends them. */
    plannedElsewhere: number;
    /** Readers in no chunk of a slot-day another run is planning at this moment: that run, or the next, plans them. */
    beingPlannedElsewhere: number;
    /** Readers of a chunk whose send was cancelled today: no run plans them again that day. */
    cancelledToday: number;
    /** Weekly readers on another weekday. */
    weeklyOffDay: number;
    /** Readers who paused their digest past today. */
    paused: number;
  };
  /** Open chunks of other runs' slot-days enqueued again, so none is left behind. */
  adopted: number;
}
