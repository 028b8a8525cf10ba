/** Every bound on user input lives here, so the server, the client and the web app agree on them. */
export const limits = {
  username: { min: 3, max: 32 },
  /** A display name is shown in lists and headers: long enough for a full name, no longer. */
  displayName: { max: 64 },
  /** RFC 5321's path limit. */
  email: { max: 254 },
  /** Argon2 cost grows with input length; the upper bound keeps hashing a fixed price. */
  password: { min: 8, max: 128 },
  messageBody: { max: 4000 },
  /**
   * Files on one message: `default` is what a server allows unless MESSAGE_MAX_ATTACHMENTS says
   * otherwise, `max` the most any server may allow.
   */
  attachmentsPerMessage: { default: 10, max: 50 },
  /** Bytes in one uploaded file, unless the server's UPLOAD_MAX_BYTES says otherwise (25 MiB). */
  uploadBytes: { default: 25 * 1024 * 1024 },
  /** An uploaded file's name, in UTF-16 units (most file systems stop at 255 bytes). */
  attachmentName: { max: 255 },
  /** How much of an answered message a reply quotes. */
  replyExcerpt: { max: 140 },
  searchQuery: { max: 32 },
  messageSearch: { max: 100 },
  page: { default: 20, max: 100 },
  historyPage: { default: 50, max: 100 },
  conversationsPage: { max: 200 },
  suggestions: { max: 20 },
  /** Unread counts stop here (shown as "99+"): counting further costs a scan for nothing. */
  unreadCount: { max: 100 },
  refreshToken: { max: 128 },
  groupName: { min: 1, max: 64 },
  /** Everyone in a group, its owner included. */
  groupMembers: { max: 50 },
  apiTokenName: { min: 1, max: 64 },
  /** Days an API token may live at most; it may also never expire. */
  apiTokenLifetimeDays: { max: 365 },
  /** Live API tokens one account (a person or a bot) may hold. */
  apiTokensPerAccount: { max: 50 },
  /** A secret is `pgn_` and 43 base64url characters; anything much longer is not one. */
  apiTokenSecret: { max: 64 },
  botsPerOwner: { max: 10 },
  inviteCode: { max: 64 },
  /** The token of an emailed link: 43 base64url characters (256 random bits). */
  emailLinkToken: { max: 64 },
  /** An invite makes at most this many accounts, for at most this many hours. */
  invite: { maxUses: 1000, maxHours: 24 * 90 },
} as const;
