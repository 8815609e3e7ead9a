/** The click queue over SQS: one small message per click (`{"token","at"}`; the token is sealed, no address readable). */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ClickMessage, ClickQueue } from '../../core/engagement/index.ts';

export class SqsClickQueue implements ClickQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(click: ClickMessage): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify({ token: click.token, at: click.at }) }),
    );
  }
}
