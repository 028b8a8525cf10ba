// Helpers for the tests (and benchmarks) of every workspace package; nothing that ships imports them.
export { codeOf, errorCode } from './error-code';
export { startCuttableProxy } from './tcp-proxy';
export { linkIn, startSmtpInbox, type ReceivedMail, type SmtpInbox } from './smtp-inbox';
export { freePort } from './ports';
export { deleteKeysUnder } from './redis-keys';
