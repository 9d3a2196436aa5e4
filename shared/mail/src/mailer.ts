/** One email Switchboard sends to one person. */
export interface MailMessage {
  to: string;
  subject: string;
  /** The plain-text body; every mail has one, and links stand on their own line. */
  text: string;
  html?: string;
}

/** Sends Switchboard's mail: over SMTP, or into a local outbox when no SMTP server is set. */
export interface Mailer {
  /** Resolves once the mail is accepted (by the SMTP server, or written to the outbox). */
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}
