import {
  authSession,
  loginInput,
  logoutInput,
  me,
  refreshInput,
  accountExport,
  changePasswordInput,
  deleteAccountInput,
  deviceSession,
  registerInput,
  registrationInfo,
  revokeSessionInput,
  updateProfileInput,
  emailVerified,
  passwordResetDone,
  passwordResetRequested,
  recoveryInfo,
  requestPasswordResetInput,
  resetPasswordInput,
  verificationSent,
  verifyEmailInput,
  confirmTwoFactorInput,
  startTwoFactorInput,
  disableTwoFactorInput,
  loginSecondFactorInput,
  recoveryCodesOutput,
  twoFactorEnrolment,
  twoFactorStatus,
} from '@pigeon/schema';
import { z } from 'zod';
import { deleteAccount } from '../services/account-deletion';
import { exportAccount } from '../services/account-export';
import { listSessions, revokeOtherSessions, revokeSession } from '../services/devices';
import { changePassword } from '../services/password-change';
import { changeProfile, sendVerification, verifyEmail } from '../services/email-verification';
import { requestPasswordReset, resetPassword } from '../services/password-reset';
import { changeUserAvatar } from '../services/avatars';
import { getMe } from '../services/profile';
import { registrationMode } from '../services/registration';
import { loginSecondFactor } from '../services/second-factor-login';
import { login, logout, refreshSession, register, resumeSession } from '../services/sign-in';
import {
  confirmTwoFactor,
  disableTwoFactor,
  startTwoFactor,
  twoFactorStatus as statusOf,
} from '../services/two-factor';
import { authedProcedure, loginOnlyProcedure, publicProcedure, rateLimited, router } from '../trpc';

/** Managing the account takes a login; an API token may only ask `me` (see trpc.ts). */
export const authRouter = router({
  register: publicProcedure
    .use(rateLimited('registrationsPerIp', 'ip'))
    .input(registerInput)
    .output(authSession)
    .mutation(({ ctx, input }) => register(ctx, input)),
  /** Whether the sign-up form is open, needs an invite, or is closed (public: the form asks first). */
  registration: publicProcedure
    .output(registrationInfo)
    .query(async ({ ctx }) => ({ mode: await registrationMode(ctx.db, ctx.registrationModeDefault) })),
  /** Wrong passwords count against limits per account and per address (services/password-attempts.ts). */
  login: publicProcedure
    .input(loginInput)
    .output(authSession)
    .mutation(({ ctx, input }) => login(ctx, input)),
  /**
   * The second step when `auth.login` answered UNAUTHORIZED with `data.secondFactorChallenge`:
   * that challenge and a code from the app or a recovery code (counted like passwords).
   */
  loginSecondFactor: publicProcedure
    .input(loginSecondFactorInput)
    .output(authSession)
    .mutation(({ ctx, input }) => loginSecondFactor(ctx, input)),
  refresh: publicProcedure
    .input(refreshInput)
    .output(authSession)
    .mutation(({ ctx, input }) => refreshSession(ctx, input)),
  /** A browser's session from its refresh cookie after a reload; null (not an error) when there is none. */
  resume: publicProcedure
    .input(z.object({}).strict().optional())
    .output(authSession.nullable())
    .mutation(({ ctx }) => resumeSession(ctx)),
  logout: loginOnlyProcedure.input(logoutInput).mutation(({ ctx }) => logout(ctx, ctx.viewer.sessionId)),
  /** Where you are logged in: one entry per device, the current one marked. */
  sessions: loginOnlyProcedure
    .output(z.array(deviceSession))
    .query(({ ctx }) => listSessions(ctx.db, ctx.viewer)),
  revokeSession: loginOnlyProcedure
    .input(revokeSessionInput)
    .mutation(({ ctx, input }) => revokeSession(ctx, ctx.viewer.userId, input.sessionId)),
  revokeOtherSessions: loginOnlyProcedure.mutation(({ ctx }) => revokeOtherSessions(ctx, ctx.viewer)),
  /** Deletes the caller's account (password required); see services/account-deletion.ts for what stays. */
  deleteAccount: loginOnlyProcedure
    .input(deleteAccountInput)
    .mutation(({ ctx, input }) => deleteAccount(ctx, ctx.viewer.userId, input.password, input.code)),
  /**
   * Everything the caller may take away, as JSON. It reads all they have, so it spends the same
   * `exports` budget as the zip (GET /api/v1/export.zip).
   */
  exportData: loginOnlyProcedure
    .use(rateLimited('exports'))
    .output(accountExport)
    .query(({ ctx }) => exportAccount(ctx.db, ctx.viewer.userId)),
  /** Needs the current password; logs out every other session. */
  changePassword: loginOnlyProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) => changePassword(ctx, ctx.viewer, input)),
  /** Whether two-factor is on, and how many recovery codes are left. */
  twoFactor: loginOnlyProcedure
    .output(twoFactorStatus)
    .query(({ ctx }) => statusOf(ctx.db, ctx.viewer.userId)),
  /**
   * A new secret to enrol (pending: two-factor is not on until `confirmTwoFactor`), for whoever
   * gives the account's password.
   */
  startTwoFactor: loginOnlyProcedure
    // A credential made, like a token: the same budget.
    .use(rateLimited('tokenChanges'))
    .input(startTwoFactorInput)
    .output(twoFactorEnrolment)
    .mutation(({ ctx, input }) => startTwoFactor(ctx, ctx.viewer.userId, input.password)),
  /** A code from the new secret turns two-factor on; answers the recovery codes, once. */
  confirmTwoFactor: loginOnlyProcedure
    .input(confirmTwoFactorInput)
    .output(recoveryCodesOutput)
    .mutation(({ ctx, input }) => confirmTwoFactor(ctx, ctx.viewer, input.code)),
  /** Turns two-factor off; needs a current code (or a recovery code). */
  disableTwoFactor: loginOnlyProcedure
    .input(disableTwoFactorInput)
    .mutation(({ ctx, input }) => disableTwoFactor(ctx, ctx.viewer.userId, input.code)),
  me: authedProcedure.output(me).query(({ ctx }) => getMe(ctx.db, ctx.viewer.userId)),
  /** A new username and/or email; friends see the new name live; a new email is mailed a link. */
  updateProfile: loginOnlyProcedure
    .input(updateProfileInput)
    .output(me)
    .mutation(({ ctx, input }) => changeProfile(ctx, ctx.viewer.userId, input)),
  /** Back to the initials avatar; friends see it live. Photos are set by `PUT /api/v1/me/avatar`. */
  removeAvatar: authedProcedure
    .use(rateLimited('avatarChanges'))
    .input(z.object({}).strict().optional())
    .output(me)
    .mutation(({ ctx }) => changeUserAvatar(ctx, ctx.viewer.userId, null)),
  /** Whether people can reset their own password by email (public: the login page asks). */
  recovery: publicProcedure
    .output(recoveryInfo)
    .query(({ ctx }) => ({ emailDelivery: ctx.email !== undefined })),
  /** Mails a reset link if an account has the address; the answer is the same either way. */
  requestPasswordReset: publicProcedure
    .input(requestPasswordResetInput)
    .output(passwordResetRequested)
    .mutation(({ ctx, input }) => requestPasswordReset(ctx, input)),
  /** A new password from a reset link (single use); every session of the account ends. */
  resetPassword: publicProcedure
    .input(resetPasswordInput)
    .output(passwordResetDone)
    .mutation(({ ctx, input }) => resetPassword(ctx, input)),
  /** Follows a verification link (single use): the address it was sent to is verified. */
  verifyEmail: publicProcedure
    .input(verifyEmailInput)
    .output(emailVerified)
    .mutation(({ ctx, input }) => verifyEmail(ctx, input.token)),
  /** Mails a new verification link to the caller's unverified address. */
  sendVerification: loginOnlyProcedure
    .output(verificationSent)
    .mutation(({ ctx }) => sendVerification(ctx, ctx.viewer.userId)),
});
