import { useState } from 'react';
import { askForNotifications, notificationPermission } from '../../lib/notifications';
import { Button } from '../button';

/** Whether new messages may notify one while Pigeon is in the background, and the way to allow it. */
export function NotificationsSetting() {
  const [permission, setPermission] = useState(notificationPermission);
  if (permission === 'unsupported') return <p className="text-sm">This browser cannot show notifications.</p>;
  if (permission === 'granted') {
    return (
      <p className="text-sm">
        On: new messages notify you while Pigeon is in the background (muted chats never do).
      </p>
    );
  }
  if (permission === 'denied') {
    return (
      <p className="text-sm">Blocked in this browser's site settings; allow them there to turn them on.</p>
    );
  }
  return (
    <Button onClick={() => void askForNotifications().then(setPermission)}>Turn on notifications</Button>
  );
}
