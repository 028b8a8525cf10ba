import type { Mailer } from '@pigeon/api';
import { createTransport } from 'nodemailer';
import type { SmtpConfig } from './config';

/** A mailer that hands each message to the configured SMTP server (nodemailer). */
export function createSmtpMailer(smtp: SmtpConfig, from: string): Mailer & { close(): void } {
  const transport =
    'url' in smtp
      ? createTransport(smtp.url)
      : createTransport({
          host: smtp.host,
          port: smtp.port,
          secure: smtp.secure,
          ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
        });
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close() {
      transport.close();
    },
  };
}
