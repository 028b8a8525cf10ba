import { Link } from 'react-router';
import { ChangePassword, Devices, YourData } from '../components/account-security';
import { Avatar } from '../components/avatar';
import { Button } from '../components/button';
import { ApiTokens } from '../components/profile/api-tokens';
import { Bots } from '../components/profile/bots';
import { NotificationsSetting } from '../components/profile/notifications-setting';
import { PrivacySettings } from '../components/profile/privacy-settings';
import { TwoFactor } from '../components/profile/two-factor';
import { ProfileForm } from '../components/profile/profile-form';
import { ProfilePhoto } from '../components/profile/profile-photo';
import { Section } from '../components/section';
import { Spinner } from '../components/spinner';
import { useMe } from '../lib/me';
import { personName } from '../lib/names';
import { useLogOut } from '../lib/use-log-out';

/** Your account: who you are to others, how to reach you, and your preferences. */
export default function ProfilePage() {
  const me = useMe();
  const logOut = useLogOut();
  if (!me) return <Spinner label="Loading your profile" />;
  return (
    <div className="mx-auto grid h-full max-w-3xl content-start gap-4 overflow-y-auto p-4">
      <h1 className="flex items-center gap-3 text-xl font-semibold">
        <Avatar name={personName(me)} seed={me.id} src={me.avatarUrl} />
        Your profile
      </h1>
      {me.isAdmin && (
        <Link to="/admin" className="font-medium text-indigo-700 underline sm:hidden dark:text-indigo-300">
          Server admin
        </Link>
      )}
      <ProfilePhoto me={me} />
      <ProfileForm me={me} />
      <PrivacySettings />
      <Section title="Notifications">
        <NotificationsSetting />
      </Section>
      <Section title="Devices">
        <Devices />
      </Section>
      <Section title="Password">
        <ChangePassword />
      </Section>
      <Section title="Two-factor authentication">
        <TwoFactor />
      </Section>
      <Section title="Session">
        <Button onClick={logOut.start} disabled={logOut.pending}>
          Log out
        </Button>
      </Section>
      <Section title="API tokens">
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-300">
          For scripts and other apps: send one as <code>Authorization: Bearer …</code>. A token acts as you,
          but cannot manage your account.
        </p>
        <ApiTokens owner="you" />
      </Section>
      <Section title="Bots">
        <Bots />
      </Section>
      <Section title="Your data">
        <YourData />
      </Section>
    </div>
  );
}
