import { useRef, useState } from 'react';
import { touchFirst } from '../../lib/focus-composer';
import { Icon } from './icon';

const PAPERCLIP =
  'M13.5 7.5 8 13a3.5 3.5 0 0 1-5-5l6-6a2.3 2.3 0 0 1 3.3 3.3l-6 6a1.2 1.2 0 0 1-1.7-1.7L10 4';
const CAMERA = 'M2 5.5h2.5L6 3.5h4l1.5 2H14v7.5H2z M8 11.3a2.3 2.3 0 1 0 0-4.6 2.3 2.3 0 0 0 0 4.6z';

const BUTTON =
  'flex size-10 shrink-0 items-center justify-center rounded-md text-slate-700 hover:bg-slate-100 disabled:opacity-50 pointer-coarse:size-11 dark:text-slate-200 dark:hover:bg-slate-800';

/**
 * Attach files (any kind, several at once; a phone offers its photo library and camera here
 * too), and on a touch screen a Camera button that goes straight to the camera (`capture`).
 */
export function AttachButtons({
  onFiles,
  disabled,
}: {
  onFiles: (files: File[]) => void;
  disabled?: boolean;
}) {
  const files = useRef<HTMLInputElement>(null);
  const camera = useRef<HTMLInputElement>(null);
  const [touch] = useState(touchFirst);
  const picked = (input: HTMLInputElement | null) => {
    if (!input?.files) return;
    onFiles([...input.files]);
    // The same file can be chosen again (after a removal).
    input.value = '';
  };
  return (
    <>
      <button
        type="button"
        className={BUTTON}
        aria-label="Attach files"
        title="Attach files"
        disabled={disabled}
        onClick={() => files.current?.click()}
      >
        <Icon path={PAPERCLIP} strokeWidth={1.4} />
      </button>
      <input
        ref={files}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(e) => picked(e.currentTarget)}
      />
      {touch && (
        <>
          <button
            type="button"
            className={BUTTON}
            aria-label="Take a photo"
            title="Take a photo"
            disabled={disabled}
            onClick={() => camera.current?.click()}
          >
            <Icon path={CAMERA} strokeWidth={1.4} />
          </button>
          <input
            ref={camera}
            type="file"
            accept="image/*,video/*"
            capture="environment"
            hidden
            data-testid="camera-input"
            onChange={(e) => picked(e.currentTarget)}
          />
        </>
      )}
    </>
  );
}
