/**
 * The email channel: nodemailer over SMTP to `SMTP_URL`; without it (development), each message
 * is written as an `.eml` file to `MAIL_DROP_DIR` and logged, so `pnpm start` needs no mail server.
 */
import { logger, REPO_ROOT, setting } from '@marketplace/runtime';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';

/** One message to one address. `id` is stable across retries, so the Message-ID is too. */
export interface OutgoingMessage {
  id: string;
  /** Sent as `X-Marketplace-Notification`, for mail filters. */
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** A way of delivering notifications (email now; SMS and push can follow). Throws when not delivered. */
export interface Channel {
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

function mailOf(message: OutgoingMessage) {
  const from = setting('MAIL_FROM');
  // The same Message-ID on a resend lets the receiving side recognise a duplicate.
  const domain = from.match(/@([^>\s]+)/)?.[1] ?? 'marketplace.local';
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: `<${message.id}@${domain}>`,
    headers: { 'X-Marketplace-Notification': message.kind },
  };
}

export function emailChannel(): Channel {
  let smtp: { url: string; transport: Transporter } | null = null;
  // Built on first use and again when SMTP_URL changes (tests point it at their own server).
  const transportFor = (url: string) => {
    if (smtp?.url !== url) {
      smtp?.transport.close();
      // Pooled connections (nodemailer reads its options from the URL's query).
      const pooled = new URL(url);
      pooled.searchParams.set('pool', 'true');
      pooled.searchParams.set('maxConnections', String(setting('NOTIFICATION_SEND_CONCURRENCY')));
      smtp = { url, transport: nodemailer.createTransport(pooled.toString()) };
    }
    return smtp.transport;
  };
  const dropFolder = () => setting('MAIL_DROP_DIR') ?? join(REPO_ROOT, '.mail');
  const dropTransport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  return {
    async send(message) {
      const url = setting('SMTP_URL');
      if (url) {
        await transportFor(url).sendMail(mailOf(message));
        return;
      }
      const info = await dropTransport.sendMail(mailOf(message));
      const folder = dropFolder();
      const file = join(folder, `${message.id}.eml`);
      // The folder is made when missing, not before every message (a mkdir each was 1.4% of the
      // one-process graph's CPU while it confirmed checkouts).
      await writeFile(file, info.message as Buffer).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        await mkdir(folder, { recursive: true });
        await writeFile(file, info.message as Buffer);
      });
      logger.info({ to: message.to, subject: message.subject, file }, 'email written (no SMTP_URL)');
    },
    close() {
      smtp?.transport.close();
      smtp = null;
    },
  };
}
