// Helpers for the tests of every workspace package; nothing outside a test imports them.
export { codeOf, errorCode } from './error-code';
export { startCuttableProxy } from './tcp-proxy';
export { linkIn, startSmtpInbox, type ReceivedMail, type SmtpInbox } from './smtp-inbox';
export { freePort } from './ports';
