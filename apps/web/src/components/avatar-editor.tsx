import type { AvatarCrop } from '@pigeon/schema';
import { useEffect, useRef, useState } from 'react';
import { Avatar } from './avatar';
import { Button } from './button';
import { ImageCropper } from './image-cropper';

/**
 * Choose, crop and save a photo, or remove it: the person's own in their profile, a group's in
 * its settings. The file input takes images only; on phones that offers the camera and the photo
 * library. Errors are the server's own sentences (too big, not a photo, not allowed).
 */
export function AvatarEditor({
  name,
  seed,
  current,
  what,
  save,
  remove,
}: {
  name: string;
  seed: string;
  current: string | null;
  /** "your photo", "the group's photo": said in labels and messages. */
  what: string;
  save: (image: File, crop: AvatarCrop) => Promise<void>;
  remove: () => Promise<void>;
}) {
  const input = useRef<HTMLInputElement>(null);
  const changeButton = useRef<HTMLButtonElement>(null);
  const [chosen, setChosen] = useState<{ file: File; url: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');

  // Back where the person started, for keyboard and screen reader users: once the cropper is gone
  // and the button is rendered enabled again (a disabled button takes no focus; a timer could run
  // before React had rendered it so).
  const returnFocus = useRef(false);

  // The preview's object URL lives as long as the choice.
  useEffect(() => () => (chosen ? URL.revokeObjectURL(chosen.url) : undefined), [chosen]);

  useEffect(() => {
    if (!returnFocus.current || busy || chosen) return;
    returnFocus.current = false;
    changeButton.current?.focus();
  }, [busy, chosen]);

  const close = () => {
    returnFocus.current = true;
    setChosen(null);
    if (input.current) input.current.value = '';
  };

  const run = async (work: () => Promise<void>, done: string) => {
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      await work();
      setStatus(done);
      return true;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <Avatar name={name} seed={seed} src={current} size="lg" />
        <input
          ref={input}
          type="file"
          accept="image/*"
          className="sr-only"
          tabIndex={-1}
          aria-hidden
          data-testid="avatar-file"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (!file) return;
            setError(null);
            setStatus('');
            if (!file.type.startsWith('image/')) {
              setError('That is not a photo: choose a JPEG, PNG, WebP or GIF image.');
              event.target.value = '';
              return;
            }
            setChosen({ file, url: URL.createObjectURL(file) });
          }}
        />
        <Button ref={changeButton} onClick={() => input.current?.click()} disabled={busy}>
          {current ? 'Change photo' : 'Add photo'}
        </Button>
        {current && !chosen && (
          <Button disabled={busy} onClick={() => void run(remove, `Removed ${what}.`)}>
            Remove photo
          </Button>
        )}
      </div>
      {chosen && (
        <ImageCropper
          src={chosen.url}
          busy={busy}
          onCancel={close}
          onUnreadable={() => {
            setError('This image cannot be shown here: choose a JPEG, PNG, WebP or GIF photo.');
            close();
          }}
          onSave={(crop) =>
            void run(() => save(chosen.file, crop), `Saved ${what}.`).then((saved) => {
              if (saved) close();
            })
          }
        />
      )}
      {error && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
          {error}
        </p>
      )}
      <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
        {status}
      </p>
    </div>
  );
}
