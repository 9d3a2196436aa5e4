import { describe, expect, it } from 'vitest';
import { invitationMail, linksIn, passwordResetMail, verificationMail } from '../src/index.ts';

const link = 'https://chat.example.com/x?token=abc_DEF-123';

describe('mail templates', () => {
  it('put the link on a line of its own in the text and as a button in the HTML', () => {
    const mails = [
      verificationMail({ to: 'a@example.com', name: 'Amina', link }),
      invitationMail({ to: 'a@example.com', tenantName: 'Acme', inviterName: 'Omar', role: 'owner', link }),
      passwordResetMail({ to: 'a@example.com', link }),
    ];
    for (const mail of mails) {
      expect(mail.to).toBe('a@example.com');
      expect(mail.subject.length).toBeGreaterThan(10);
      expect(mail.text.split('\n')).toContain(link);
      expect(linksIn(mail.text)).toEqual([link]);
      expect(mail.html).toContain(`href="${link}"`);
      expect(mail.html).not.toMatch(/<style|<link /);
    }
  });

  it('say who invited whom, to which workspace and with which role', () => {
    const mail = invitationMail({ to: 'a@example.com', tenantName: 'Acme', inviterName: 'Omar', role: 'admin', link });
    expect(mail.subject).toBe('Omar invited you to Acme on Switchboard');
    expect(mail.text).toContain('Omar invited you to join Acme on Switchboard as an admin.');
  });

  it('mention how long the link works only when told', () => {
    expect(passwordResetMail({ to: 'a@example.com', link }).text).not.toMatch(/works for/);
    expect(passwordResetMail({ to: 'a@example.com', link, expiresInHours: 1 }).text).toContain('The link works for one hour.');
    expect(verificationMail({ to: 'a@example.com', name: 'A', link, expiresInHours: 24 }).html).toContain('The link works for 24 hours.');
  });

  it('escape names in the HTML and keep line breaks out of the subject', () => {
    const mail = invitationMail({ to: 'a@example.com', tenantName: 'Acme\r\nBcc: victim@example.com', inviterName: '<script>alert(1)</script>', role: 'agent', link });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });
});

describe('link finding', () => {
  it('finds http and https links and leaves out closing punctuation', () => {
    expect(linksIn('Open https://a.test/x?y=1. Or (http://b.test/z), or none.')).toEqual(['https://a.test/x?y=1', 'http://b.test/z']);
    expect(linksIn('no links here')).toEqual([]);
  });
});
