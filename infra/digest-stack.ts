import { CfnOutput, CrossStackReferences, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { createDigestFunctions, functionEnvironment } from './application/functions.ts';
import { grantFunctionAccess } from './application/grants.ts';
import { connectFeedPolling, createFeedQueue } from './application/feed-polling.ts';
import { createHourlySchedule } from './application/hourly-schedule.ts';
import { addRoutes, createHttpApi, throttleClickRoute } from './application/http-api.ts';
import { createWorkQueue, drainQueue } from './application/work-queue.ts';
import { CLICK_FLEET } from '../functions/core/engagement/click-fleet.ts';
import { connectSendFunction, createSendQueue } from './application/send-queue.ts';
import { createMailConfigurationSet, createSesFeedback } from './application/ses-feedback.ts';
import type { DigestDataStack } from './data-stack.ts';
import { DigestMonitoring } from './monitoring.ts';

export interface DigestStackProps extends StackProps {
  /** The table, signing key and verified sender, from the stack that outlives this one. */
  readonly data: DigestDataStack;
  /** The From address of every email. */
  readonly senderEmail: string;
  /** Public base URL for links in emails when a custom domain fronts the API; no trailing slash. */
  readonly publicUrl?: string;
  /** Subscribed to the alarm topic; without it the alarms still exist, for a subscription added later. */
  readonly alarmEmail?: string;
  readonly digestName?: string;
  /** The sender's postal address for every email footer (CAN-SPAM). */
  readonly postalAddress?: string;
  /** The publisher's brand: BRAND_COLOR, LOGO_URL, DIGEST_TAGLINE and REPLY_TO of every function. */
  readonly brandColor?: string;
  readonly logoUrl?: string;
  readonly digestTagline?: string;
  readonly replyTo?: string;
}

/**
 * The application: everything that can be torn down and rebuilt without losing a reader.
 * Functions, the HTTP API, the hourly schedule, the send queue, SES's configuration set and its
 * feedback topic, the dead-letter queues, alarms and dashboard (infra/monitoring.ts).
 *
 * Each part is built by a function in infra/application/ that takes this stack as its scope, so
 * every resource keeps the construct path, and so the logical ID, it had when the stack was one
 * constructor: an upgrade replaces no queue or function.
 */
export class DigestStack extends Stack {
  constructor(scope: Construct, id: string, props: DigestStackProps) {
    super(scope, id, props);
    // Read the data stack's values through Fn::GetStackOutput rather than Export/ImportValue: an
    // export in use can never change, which would freeze the table and secret in place.
    CrossStackReferences.of(this).consume(ReferenceStrength.WEAK);

    const configurationSet = createMailConfigurationSet(this);
    const send = createSendQueue(this);
    const feeds = createFeedQueue(this);
    const clicks = createWorkQueue(this, 'Click', CLICK_FLEET);
    const http = createHttpApi(this);
    // api.apiEndpoint is an attribute of the Api resource alone (routes depend on functions,
    // the Api does not), so functions can carry it without a dependency cycle.
    const publicUrl = props.publicUrl ?? http.api.apiEndpoint;
    const environment = functionEnvironment({ ...props, publicUrl, configurationSet });
    const functions = createDigestFunctions(this, environment, send.queue.queueUrl, feeds.queue.queueUrl, clicks.queue.queueUrl);

    const feedbackDeadLetterQueue = createSesFeedback(this, configurationSet, functions.SesEvents);
    grantFunctionAccess(functions, {
      data: props.data,
      configurationSet,
      sendQueue: send.queue,
      feedQueue: feeds.queue,
      clickQueue: clicks.queue,
    });
    drainQueue(clicks.queue, functions.CountClicks, CLICK_FLEET);
    connectSendFunction(send, functions.SendDigest);
    addRoutes(http.api, functions);
    throttleClickRoute(http.stage, CLICK_FLEET);
    const scheduleDeadLetterQueue = createHourlySchedule(this, functions.PlanDigest);

    const monitoring = new DigestMonitoring(this, 'Monitoring', {
      alarmEmail: props.alarmEmail,
      api: http.api,
      sendQueue: send.queue,
      deadLetterQueues: {
        Send: send.deadLetterQueue,
        Schedule: scheduleDeadLetterQueue,
        Feedback: feedbackDeadLetterQueue,
        FeedPoll: feeds.deadLetterQueue,
        FeedSchedule: feeds.scheduleDeadLetterQueue,
        Click: clicks.deadLetterQueue,
      },
      functions,
    });
    connectFeedPolling(this, feeds, functions.PlanFeedPolls, functions.PollFeeds, monitoring.alarmTopic);

    new CfnOutput(this, 'ApiUrl', { value: http.api.apiEndpoint, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'PublicUrl', { value: publicUrl, description: 'Base URL used in emailed links' });
    new CfnOutput(this, 'QueueUrl', { value: send.queue.queueUrl });
    new CfnOutput(this, 'StageUrl', { value: http.stage.url });
  }
}
