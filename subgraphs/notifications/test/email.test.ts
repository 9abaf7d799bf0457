import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describe as describeError } from '../src/delivery/dispatcher';
import { emailChannel } from '../src/delivery/email';

describe('the email channel without SMTP_URL (development)', () => {
  it('writes each message as an .eml file, with its Message-ID and kind', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'notifications-drop-'));
    delete process.env.SMTP_URL;
    process.env.MAIL_DROP_DIR = folder;
    const channel = emailChannel();
    const id = '6f1c3c1e-8a43-4c5e-9a0b-3d0f5e8f7a21';
    await channel.send({ id, kind: 'ORDER_CONFIRMED', to: 'jo@example.test', subject: 'Your order is confirmed: $64.99', text: 'Hello Jo', html: '<p>Hello Jo</p>' });
    channel.close();
    expect(readdirSync(folder)).toEqual([`${id}.eml`]);
    const eml = readFileSync(join(folder, `${id}.eml`), 'utf8');
    expect(eml).toContain('To: jo@example.test');
    expect(eml).toContain('Subject: Your order is confirmed: $64.99');
    expect(eml).toContain(`Message-ID: <${id}@marketplace.local>`);
    expect(eml).toContain('X-Marketplace-Notification: ORDER_CONFIRMED');
    expect(eml).toContain('multipart/alternative');
  });

  it('makes the folder when it is missing, and again when it was removed', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'notifications-drop-')), 'not', 'yet');
    delete process.env.SMTP_URL;
    process.env.MAIL_DROP_DIR = folder;
    const channel = emailChannel();
    const message = { kind: 'ORDER_CONFIRMED', to: 'jo@example.test', subject: 'Confirmed', text: 'Hello Jo', html: '<p>Hello Jo</p>' };
    await channel.send({ ...message, id: '0d7e0a52-3f7b-4b8e-8f0e-1f2a3b4c5d01' });
    rmSync(folder, { recursive: true });
    await channel.send({ ...message, id: '0d7e0a52-3f7b-4b8e-8f0e-1f2a3b4c5d02' });
    channel.close();
    expect(readdirSync(folder)).toEqual(['0d7e0a52-3f7b-4b8e-8f0e-1f2a3b4c5d02.eml']);
  });
});

describe('a failed send, as operators read it', () => {
  it('keeps the code and the reply, not the addresses', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.3.7:587'), { code: 'ESOCKET' });
    expect(describeError(refused)).toBe('ESOCKET connect ECONNREFUSED <address>');
    const rejected = Object.assign(new Error('Message failed: 450 4.2.1 mailbox busy at mx1.mail.internal.example'), { code: 'EMESSAGE', responseCode: 450 });
    expect(describeError(rejected)).toBe('EMESSAGE 450 Message failed: 450 4.2.1 mailbox busy at <address>');
  });
});
