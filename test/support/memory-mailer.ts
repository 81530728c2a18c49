import type { Mailer, OutgoingEmail } from '../../functions/ports/mailer.ts';

/** The Mailer in memory: every email it was given, each with a new message id. */
export class MemoryMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  async send(email: OutgoingEmail) {
    this.sent.push(email);
    return { messageId: `m-${this.sent.length}` };
  }
}
