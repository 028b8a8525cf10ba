import { InvitesPanel } from '../components/admin/invites-panel';
import { RegistrationSetting } from '../components/admin/registration-setting';
import { ServerStats } from '../components/admin/server-stats';
import { UsersPanel } from '../components/admin/users-panel';
import { Spinner } from '../components/spinner';
import { useMe } from '../lib/me';

/** The server's admin page: reached from the navigation by the admin only (the API refuses others). */
export default function AdminPage() {
  const me = useMe();
  if (!me) return <Spinner label="Loading" />;
  if (!me.isAdmin) return <p className="p-4">Only the server’s admin can see this page.</p>;
  return (
    <div className="mx-auto grid h-full max-w-3xl content-start gap-4 overflow-y-auto p-4">
      <h1 className="text-xl font-semibold">Admin</h1>
      <ServerStats />
      <RegistrationSetting />
      <InvitesPanel />
      <UsersPanel myId={me.id} />
    </div>
  );
}
