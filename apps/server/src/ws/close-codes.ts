// WebSocket close codes this server sends in the application range (4000-4999); the client acts on them.

/** Close code that tells the client to reconnect with a fresh token. */
export const WS_CLOSE_TOKEN_EXPIRED = 4001;
/** Closed for not presenting a valid token in time (after HTTP's 401, with a 4xxx code). */
export const WS_CLOSE_AUTH_TIMEOUT = 4401;
/** One user holds too many sockets on this instance. */
export const WS_CLOSE_TOO_MANY = 4429;
/** Its session was ended (logged out, revoked, or its refresh token reused). */
export const WS_CLOSE_SESSION_ENDED = 4003;
