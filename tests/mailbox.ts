/** A real SMTP server for tests (`smtp-server`), keeping every message it accepts, parsed. */
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  kind: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

export class Mailbox {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  /** Listens on `port` (0: an ephemeral one, kept for restarts). */
  async start(port = this.port): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // A stop is an outage: connections kept open by the sender's pool are cut, not waited for.
      closeTimeout: 100,
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            const to = Array.isArray(mail.to) ? mail.to.flatMap((a) => a.value) : (mail.to?.value ?? []);
            this.received.push({
              to: to[0]?.address ?? '',
              kind: String(mail.headers.get('x-marketplace-notification') ?? ''),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              messageId: mail.messageId ?? '',
            });
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops accepting connections: an outage. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.toLowerCase() === address.toLowerCase());
  }

  /** Waits until `address` received mail of `kind` (`count` of them), up to `timeoutMs`. */
  async waitFor(address: string, kind: string, count = 1, timeoutMs = 20_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.to(address).filter((m) => m.kind === kind);
      if (found.length >= count) return found;
      if (Date.now() > deadline) {
        throw new Error(`${address} did not receive ${count} ${kind}; got ${this.to(address).map((m) => m.kind).join(', ') || 'nothing'}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
