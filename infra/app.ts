import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PLACEHOLDER_SENDER, readDigestContext } from './context.ts';
import { DigestStack } from './digest-stack.ts';

const app = new App();
const context = readDigestContext(app);

const stack = new DigestStack(app, 'DigestMailer', {
  description: 'digest-mailer: serverless news digest mailer',
  ...context,
});
if (context.senderEmail === PLACEHOLDER_SENDER) {
  Annotations.of(stack).addWarningV2(
    'digest:senderEmail',
    `No sender is set: mail would be sent from ${PLACEHOLDER_SENDER}. Deploy with -c senderDomain=your-domain (or -c senderEmail=you@your-domain).`,
  );
}

// cdk-nag 3 is a synth-time validation plugin: a finding not acknowledged where it occurs fails `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
