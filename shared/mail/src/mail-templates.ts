import type { TenantRole } from '@switchboard/contracts';
import type { MailMessage } from './mailer.ts';

/**
 * The three mails identity sends. Each has a plain-text body with the link on a line of its
 * own (so any client makes it clickable and the outbox log finds it) and a simple HTML body
 * with inline styles only, since mail clients ignore style sheets.
 */

export function verificationMail(input: { to: string; name: string; link: string; expiresInHours?: number }): MailMessage {
  const name = oneLine(input.name);
  const expiry = expiryLine(input.expiresInHours);
  return {
    to: input.to,
    subject: 'Confirm your email address for Switchboard',
    text: [
      `Hello ${name},`,
      '',
      'Welcome to Switchboard! Please confirm that this is your email address by opening this link:',
      '',
      input.link,
      '',
      ...(expiry ? [expiry, ''] : []),
      'If you did not create a Switchboard account, you can ignore this mail.',
    ].join('\n'),
    html: layout([
      paragraph(`Hello ${escapeHtml(name)},`),
      paragraph('Welcome to Switchboard! Please confirm that this is your email address.'),
      button(input.link, 'Confirm my email address'),
      fallbackLink(input.link),
      ...(expiry ? [paragraph(escapeHtml(expiry))] : []),
      note('If you did not create a Switchboard account, you can ignore this mail.'),
    ]),
  };
}

export function invitationMail(input: {
  to: string;
  tenantName: string;
  inviterName: string;
  role: TenantRole;
  link: string;
  expiresInHours?: number;
}): MailMessage {
  const tenantName = oneLine(input.tenantName);
  const inviterName = oneLine(input.inviterName);
  const invited = `${inviterName} invited you to join ${tenantName} on Switchboard as ${roleWithArticle(input.role)}.`;
  const expiry = expiryLine(input.expiresInHours);
  return {
    to: input.to,
    subject: `${inviterName} invited you to ${tenantName} on Switchboard`,
    text: [
      'Hello,',
      '',
      invited,
      '',
      'To accept the invitation, open this link:',
      '',
      input.link,
      '',
      ...(expiry ? [expiry, ''] : []),
      'If you were not expecting this invitation, you can ignore this mail.',
    ].join('\n'),
    html: layout([
      paragraph('Hello,'),
      paragraph(
        `${escapeHtml(inviterName)} invited you to join <strong>${escapeHtml(tenantName)}</strong> on Switchboard as ${roleWithArticle(input.role)}.`,
      ),
      button(input.link, 'Accept the invitation'),
      fallbackLink(input.link),
      ...(expiry ? [paragraph(escapeHtml(expiry))] : []),
      note('If you were not expecting this invitation, you can ignore this mail.'),
    ]),
  };
}

export function passwordResetMail(input: { to: string; link: string; expiresInHours?: number }): MailMessage {
  const expiry = expiryLine(input.expiresInHours);
  return {
    to: input.to,
    subject: 'Reset your Switchboard password',
    text: [
      'Hello,',
      '',
      'Someone asked to reset the password of your Switchboard account. To choose a new password, open this link:',
      '',
      input.link,
      '',
      ...(expiry ? [expiry, ''] : []),
      'If it was not you, you can ignore this mail: your password stays as it is.',
    ].join('\n'),
    html: layout([
      paragraph('Hello,'),
      paragraph('Someone asked to reset the password of your Switchboard account.'),
      button(input.link, 'Choose a new password'),
      fallbackLink(input.link),
      ...(expiry ? [paragraph(escapeHtml(expiry))] : []),
      note('If it was not you, you can ignore this mail: your password stays as it is.'),
    ]),
  };
}

const roleNames: Record<TenantRole, string> = { owner: 'an owner', admin: 'an admin', agent: 'an agent' };

function roleWithArticle(role: TenantRole): string {
  return roleNames[role];
}

function expiryLine(hours: number | undefined): string | undefined {
  if (hours === undefined) return undefined;
  return hours === 1 ? 'The link works for one hour.' : `The link works for ${hours} hours.`;
}

/** Names come from people; a line break in one must not reach a mail header or split a line. */
function oneLine(value: string): string {
  return value.replace(/[\r\n\t]+/g, ' ').trim();
}

function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

function layout(blocks: string[]): string {
  return [
    '<!doctype html>',
    '<html><body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2937;">',
    '<div style="max-width:520px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px;">',
    ...blocks,
    '</div>',
    '</body></html>',
  ].join('\n');
}

function paragraph(html: string): string {
  return `<p style="margin:0 0 16px;font-size:15px;line-height:1.5;">${html}</p>`;
}

function note(text: string): string {
  return `<p style="margin:24px 0 0;font-size:13px;line-height:1.5;color:#6b7280;">${escapeHtml(text)}</p>`;
}

function button(link: string, label: string): string {
  return `<p style="margin:24px 0;"><a href="${escapeHtml(link)}" style="display:inline-block;padding:12px 20px;background:#2563eb;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:600;">${escapeHtml(label)}</a></p>`;
}

function fallbackLink(link: string): string {
  return paragraph(
    `If the button does not work, copy this address into your browser:<br><a href="${escapeHtml(link)}" style="color:#2563eb;word-break:break-all;">${escapeHtml(link)}</a>`,
  );
}

/** To a tenant's owner, once a month: the AI has used most of its token budget. */
export function aiSoftLimitMail(input: { to: string; tenantName: string; used: number; budget: number; month: string }): MailMessage {
  const tenant = oneLine(input.tenantName);
  const share = input.budget > 0 ? Math.floor((input.used / input.budget) * 100) : 100;
  const month = input.month.slice(0, 7);
  const lines = [
    `${tenant}'s bot has used ${share} % of its AI budget for ${month}: ${input.used.toLocaleString('en')} of ${input.budget.toLocaleString('en')} tokens.`,
    'When the budget is used up, the bot keeps answering from your FAQ and knowledge base and offers your customers a person, until the next month starts or the budget is raised.',
  ];
  return {
    to: input.to,
    subject: `${tenant}: ${share} % of this month's AI budget used`,
    text: ['Hello,', '', ...lines, '', 'You get this mail once a month at most.'].join('\n'),
    html: layout([paragraph('Hello,'), ...lines.map((line) => paragraph(escapeHtml(line))), note('You get this mail once a month at most.')]),
  };
}
