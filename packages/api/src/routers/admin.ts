import {
  adminDeleteUserInput,
  adminPasswordResetLink,
  adminPasswordResetLinkInput,
  adminSettings,
  adminStats,
  adminUser,
  adminUsersInput,
  adminUsersOutput,
  createdInvite,
  createInviteInput,
  invite,
  revokeInviteInput,
  setUserActiveInput,
  updateAdminSettingsInput,
} from '@pigeon/schema';
import { z } from 'zod';
import { deleteUserAsAdmin, listUsers, serverStats, setUserActive } from '../services/admin-users';
import { adminResetLink } from '../services/password-reset';
import { createInvite, listInvites, revokeInvite } from '../services/invites';
import { registrationMode, setRegistrationMode } from '../services/registration';
import { adminProcedure, router } from '../trpc';

/** The server's admin only (FORBIDDEN for everyone else): see docs/operations.md. */
export const adminRouter = router({
  stats: adminProcedure
    .output(adminStats)
    .query(({ ctx }) => serverStats(ctx.db, ctx.presence, ctx.registrationModeDefault)),
  settings: adminProcedure.output(adminSettings).query(async ({ ctx }) => ({
    registrationMode: await registrationMode(ctx.db, ctx.registrationModeDefault),
    registrationModeDefault: ctx.registrationModeDefault,
  })),
  updateSettings: adminProcedure
    .input(updateAdminSettingsInput)
    .output(adminSettings)
    .mutation(({ ctx, input }) =>
      setRegistrationMode(ctx.db, ctx.registrationModeDefault, input.registrationMode),
    ),
  users: adminProcedure
    .input(adminUsersInput)
    .output(adminUsersOutput)
    .query(({ ctx, input }) => listUsers(ctx.db, input)),
  /** Deactivating ends the user's sessions and sockets at once, on every instance. */
  setUserActive: adminProcedure
    .input(setUserActiveInput)
    .output(adminUser)
    .mutation(({ ctx, input }) => setUserActive(ctx, ctx.viewer.userId, input)),
  deleteUser: adminProcedure
    .input(adminDeleteUserInput)
    .mutation(({ ctx, input }) => deleteUserAsAdmin(ctx, ctx.viewer.userId, input.userId)),
  /** A single-use reset link for someone locked out (a day long), for the admin to pass on. */
  passwordResetLink: adminProcedure
    .input(adminPasswordResetLinkInput)
    .output(adminPasswordResetLink)
    .mutation(({ ctx, input }) => adminResetLink(ctx, ctx.viewer.userId, input.userId)),
  invites: adminProcedure.output(z.array(invite)).query(({ ctx }) => listInvites(ctx.db)),
  createInvite: adminProcedure
    .input(createInviteInput)
    .output(createdInvite)
    .mutation(({ ctx, input }) => createInvite(ctx.db, ctx.viewer.userId, input)),
  revokeInvite: adminProcedure
    .input(revokeInviteInput)
    .output(invite)
    .mutation(({ ctx, input }) => revokeInvite(ctx.db, input.inviteId)),
});
