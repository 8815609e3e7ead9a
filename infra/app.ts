import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PLACEHOLDER_SENDER, readDigestContext } from './context.ts';
import { DigestDataStack } from './data-stack.ts';
import { DigestStack } from './digest-stack.ts';

const app = new App();
const context = readDigestContext(app);

// Two stacks: the data outlives every redeploy of the application (see infra/data-stack.ts).
// `npx cdk deploy --all` deploys the data stack first, as the application depends on it.
const data = new DigestDataStack(app, 'DigestMailerData', {
  description: 'digest-mailer: table, token signing key, SES sender identity (retained)',
  senderEmail: context.senderEmail,
  senderDomain: context.senderDomain,
  terminationProtection: true,
});
const stack = new DigestStack(app, 'DigestMailer', {
  description: 'digest-mailer: functions, API, schedule, queues, alarms, dashboard',
  data,
  senderEmail: context.senderEmail,
  publicUrl: context.publicUrl,
  alarmEmail: context.alarmEmail,
  digestName: context.digestName,
  postalAddress: context.postalAddress,
  brandColor: context.brandColor,
  logoUrl: context.logoUrl,
  digestTagline: context.digestTagline,
  replyTo: context.replyTo,
});
if (context.senderEmail === PLACEHOLDER_SENDER) {
  Annotations.of(stack).addWarningV2(
    'digest:senderEmail',
    `No sender is set: mail would be sent from ${PLACEHOLDER_SENDER}. Deploy with -c senderDomain=your-domain (or -c senderEmail=you@your-domain).`,
  );
}

// cdk-nag 3 is a synth-time validation plugin: a finding not acknowledged where it occurs fails `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
