import type { AttachmentView } from '../../lib/attachment-view';
import { Icon } from './icon';

const PATHS: Record<AttachmentView['kind'], string> = {
  image: 'M2.5 3h11v10h-11z M2.5 11l3.5-3.5 3 3 2-2 2.5 2.5 M10.5 6.2a.8.8 0 1 0 0-.1',
  video: 'M2 4h8.5v8H2z M10.5 7l3.5-2v6l-3.5-2',
  audio:
    'M6 12.5V4l7-1.5V11 M6 12.5a1.8 1.8 0 1 1-3.6 0 1.8 1.8 0 0 1 3.6 0z M13 11a1.8 1.8 0 1 1-3.6 0 1.8 1.8 0 0 1 3.6 0z',
  file: 'M4 1.5h5.5L12.5 4.5V14.5H4z M9.5 1.5v3h3',
};

/** The kind of a file, as the server detected it, or guessed from a content type before upload. */
export function kindOf(contentType: string): AttachmentView['kind'] {
  const top = contentType.split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'file';
}

export function KindIcon({
  kind,
  contentType = '',
}: {
  kind?: AttachmentView['kind'];
  contentType?: string;
}) {
  return <Icon path={PATHS[kind ?? kindOf(contentType)]} strokeWidth={1.3} />;
}
