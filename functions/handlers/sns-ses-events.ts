/** SNS subscription for the SES configuration set's bounce and complaint events. */
import type { SNSEvent } from 'aws-lambda';
import { lambdaDeps, type DepsProvider } from '../adapters/app-deps.ts';
import { applySesFeedback } from '../core/suppression.ts';
import { ValidationError } from '../core/errors.ts';

export function sesEventsHandler(deps: DepsProvider): (event: SNSEvent) => Promise<void> {
  return async (event) => {
    const app = await deps();
    for (const record of event.Records) {
      let message: unknown;
      try {
        message = JSON.parse(record.Sns.Message);
      } catch (error) {
        throw new ValidationError('The SNS message is not JSON.', [{ field: 'Sns.Message', message: 'must be JSON' }], { cause: error });
      }
      const report = await applySesFeedback(message, app);
      // Counts only: addresses are personal data and do not belong in logs.
      console.log(JSON.stringify({ level: 'info', message: 'ses feedback', messageId: record.Sns.MessageId, suppressed: report.suppressed.length, ignored: report.ignored }));
    }
  };
}

export const handler = sesEventsHandler(lambdaDeps());
