import { BlockedPeople } from '../components/people/blocked-people';
import { FindPeople } from '../components/people/find-people';
import { FriendRequests } from '../components/people/friend-requests';
import { FriendsList } from '../components/people/friends-list';
import { useReachOut } from '../components/people/reach-out';
import { Suggestions } from '../components/people/suggestions';

/** Discovery and friendships; every list here also updates from the live event stream. */
export default function PeoplePage() {
  const reachOut = useReachOut();
  return (
    <div className="mx-auto grid h-full max-w-5xl content-start items-start gap-4 overflow-y-auto p-4 md:grid-cols-2">
      <FindPeople reachOut={reachOut} />
      <FriendRequests />
      <FriendsList reachOut={reachOut} />
      <BlockedPeople />
      <Suggestions reachOut={reachOut} />
    </div>
  );
}
