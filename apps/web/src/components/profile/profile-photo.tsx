import { me as account, type Me } from '@pigeon/schema';
import { useQueryClient } from '@tanstack/react-query';
import { uploadAvatar } from '../../lib/avatar-upload';
import { personName } from '../../lib/names';
import { usePigeonClient, useTRPC } from '../../lib/trpc';
import { AvatarEditor } from '../avatar-editor';
import { Section } from '../section';

/** The photo others see beside one's name; the initials avatar when there is none. */
export function ProfilePhoto({ me }: { me: Me }) {
  const client = usePigeonClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const show = (updated: Me) => {
    queryClient.setQueryData(trpc.auth.me.queryKey(), updated);
  };
  return (
    <Section title="Photo">
      <AvatarEditor
        name={personName(me)}
        seed={me.id}
        current={me.avatarUrl}
        what="your photo"
        save={async (image, crop) =>
          show(account.parse(await uploadAvatar(client, { kind: 'me' }, image, crop)))
        }
        remove={async () => show(await client.auth.removeAvatar.mutate())}
      />
    </Section>
  );
}
