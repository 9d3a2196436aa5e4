export type { MailMessage, Mailer } from './mailer.ts';
export { createMailer, type MailerOptions } from './create-mailer.ts';
export { createSmtpMailer, type SmtpMailerOptions } from './smtp-mailer.ts';
export { createOutboxMailer, linksIn, type OutboxMailerOptions } from './outbox-mailer.ts';
export { aiSoftLimitMail, invitationMail, passwordResetMail, verificationMail } from './mail-templates.ts';
