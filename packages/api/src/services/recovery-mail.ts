import type { Logger } from '../core/types';
import type { EmailDelivery, OutgoingMail } from '../mailer';
import { linkPath, LINK_LIFETIME_MS, type EmailLinkPurpose } from './email-links';

const linkUrl = (delivery: EmailDelivery, purpose: EmailLinkPurpose, token: string) =>
  new URL(linkPath(purpose, token), delivery.publicUrl).toString();

const minutes = (purpose: EmailLinkPurpose) => Math.round(LINK_LIFETIME_MS[purpose] / 60_000);

/** A plain-text mail to the account's owner around one link. */
function linkMail(
  delivery: EmailDelivery,
  to: { email: string; username: string },
  mail: { subject: string; purpose: EmailLinkPurpose; token: string; before: string; after: string[] },
): OutgoingMail {
  return {
    to: to.email,
    subject: mail.subject,
    text: [
      `Hello ${to.username},`,
      '',
      mail.before,
      '',
      linkUrl(delivery, mail.purpose, mail.token),
      '',
      ...mail.after,
    ].join('\n'),
  };
}

export function passwordResetMail(
  delivery: EmailDelivery,
  to: { email: string; username: string },
  token: string,
): OutgoingMail {
  return linkMail(delivery, to, {
    subject: 'Reset your Pigeon password',
    purpose: 'password_reset',
    token,
    before:
      'Someone (we hope you) asked to reset the password of your Pigeon account. To choose a new one, open:',
    after: [
      `The link works once, for ${minutes('password_reset')} minutes. Setting a new password logs you out everywhere.`,
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ],
  });
}

export function verificationMail(
  delivery: EmailDelivery,
  to: { email: string; username: string },
  token: string,
): OutgoingMail {
  return linkMail(delivery, to, {
    subject: 'Confirm your email address for Pigeon',
    purpose: 'email_verification',
    token,
    before: 'To confirm that this address belongs to your Pigeon account, open:',
    after: [
      `The link works once, for ${minutes('email_verification') / 60} hours.`,
      'If you did not make a Pigeon account or change its email to this one, ignore this email.',
    ],
  });
}

/**
 * Runs `work` (finding the account, making a link, talking to the mail server) after the caller
 * has had its answer, so neither the answer nor its timing says whether an account was found.
 * A failure is logged, never thrown: nobody is waiting for it.
 */
export function afterAnswering(log: Logger, what: string, work: () => Promise<void>): void {
  setImmediate(() => {
    work().catch((err: unknown) => log.warn({ err, what }, 'sending an account email failed'));
  });
}
