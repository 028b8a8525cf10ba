/** One plain-text email. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** Sends email; the server plugs in SMTP (apps/server/src/smtp-mailer.ts). */
export interface Mailer {
  /** Resolves once the mail server has accepted the message. */
  send(mail: OutgoingMail): Promise<void>;
}

/** Email for getting back into an account: a way to send, and the address links point at. */
export interface EmailDelivery {
  mailer: Mailer;
  /** The server's public origin as people reach it (PUBLIC_URL), e.g. https://chat.example.com. */
  publicUrl: string;
}
