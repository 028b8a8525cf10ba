import { adminRouter } from './routers/admin';
import { authRouter } from './routers/auth';
import { conversationsRouter } from './routers/conversations';
import { eventsRouter } from './routers/events';
import { friendsRouter } from './routers/friends';
import { messagesRouter } from './routers/messages';
import { presenceRouter } from './routers/presence';
import { settingsRouter } from './routers/settings';
import { usersRouter } from './routers/users';
import { router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  friends: friendsRouter,
  conversations: conversationsRouter,
  messages: messagesRouter,
  events: eventsRouter,
  settings: settingsRouter,
  presence: presenceRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
