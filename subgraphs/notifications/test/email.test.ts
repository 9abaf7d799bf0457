import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
});
