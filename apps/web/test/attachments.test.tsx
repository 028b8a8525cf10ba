import type { Message } from '@pigeon/schema';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { previewBox } from '../src/components/attachments/image-preview';
import { Composer } from '../src/components/composer';
import { attachmentLimits, formatSize } from '../src/lib/attachment-view';
import { startOutboxSender } from '../src/lib/outbox-sender';
import { refusedFiles, type AttachmentDrafts } from '../src/lib/use-attachment-drafts';
import { UploadError } from '../src/lib/upload-attachment';
import { createStore } from '../src/store';
import { allPending, attachmentUploaded, confirmed, queued, restored } from '../src/store/outbox';
import { loggedIn } from '../src/store/session';

afterEach(cleanup);

const view = {
  id: '0b6f0c1e-7f3a-4d2b-9c1d-2e3f4a5b6c7d',
  name: 'cat.png',
  size: 2048,
  contentType: 'image/png',
  kind: 'image' as const,
  width: 1200,
  height: 600,
};

describe('client-side limits', () => {
  it('refuses too large files and more than a message can carry, in words, before uploading', () => {
    const big = new File(['x'], 'huge.bin');
    Object.defineProperty(big, 'size', { value: attachmentLimits.maxBytes + 1 });
    const small = (n: number) => new File(['x'], `f${n}.txt`);
    const { accepted, problems } = refusedFiles(
      [big, small(1), small(2)],
      attachmentLimits.maxPerMessage - 1,
    );
    expect(accepted.map((f) => f.name)).toEqual(['f1.txt']);
    expect(problems).toEqual([
      '“huge.bin” is 25 MB; files can be at most 25 MB.',
      `A message can carry at most ${attachmentLimits.maxPerMessage} files; “f2.txt” was left out.`,
    ]);
  });

  it('holds files to the limits this server gave, not the defaults', () => {
    const file = new File(['x'], 'clip.mov');
    Object.defineProperty(file, 'size', { value: 3 * 1024 * 1024 });
    const server = { maxBytes: 2 * 1024 * 1024, maxPerMessage: 2 };
    expect(refusedFiles([file], 0, server).problems).toEqual([
      '“clip.mov” is 3.0 MB; files can be at most 2.0 MB.',
    ]);
    expect(refusedFiles([file], 0).accepted).toEqual([file]);
    const small = (n: number) => new File(['x'], `s${n}.txt`);
    expect(refusedFiles([small(1), small(2), small(3)], 0, server).problems).toEqual([
      'A message can carry at most 2 files; “s3.txt” was left out.',
    ]);
  });

  it('reads sizes in steps of 1024', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(25 * 1024 * 1024)).toBe('25 MB');
  });
});

describe('image previews', () => {
  it('take a box of the final size from the dimensions, so the list does not jump', () => {
    expect(previewBox({ width: 1200, height: 600 })).toEqual({ width: 280, height: 140 });
    expect(previewBox({ width: 100, height: 50 })).toEqual({ width: 100, height: 50 });
    expect(previewBox({})).toEqual({ width: 240, height: 180 });
  });
});

describe('the outbox with files', () => {
  it('keeps files through a reload and notes each upload', () => {
    const store = createStore();
    const pending = {
      clientId: 'c1',
      conversationId: 'conv',
      body: '',
      createdAt: '2026-01-01T00:00:00.000Z',
      seq: 1,
      status: 'sending' as const,
      attachments: [{ localId: 'l1', name: 'cat.png', size: 2048, contentType: 'image/png' }],
    };
    store.dispatch(restored([pending]));
    store.dispatch(attachmentUploaded({ clientId: 'c1', localId: 'l1', view }));
    const [kept] = allPending(store.getState().outbox);
    expect(kept?.status).toBe('queued');
    expect(kept?.attachments).toEqual([{ ...pending.attachments[0], view }]);
  });

  it('uploads before sending, sends the ids, and fails a message whose file the server refuses', async () => {
    const store = createStore();
    store.dispatch(loggedIn({ id: 'u' }));
    const sent: string[][] = [];
    const order: string[] = [];
    const stop = startOutboxSender({
      store,
      uploadFiles: (m) => {
        order.push(`upload ${m.clientId}`);
        if (m.clientId === 'c2') return Promise.reject(new UploadError('Too large.', 413));
        return Promise.resolve([view.id]);
      },
      send: (m, ids) => {
        order.push(`send ${m.clientId}`);
        sent.push(ids);
        return Promise.resolve({ clientId: m.clientId } as Message);
      },
      onStored: (message) => store.dispatch(confirmed(message.clientId)),
    });
    for (const clientId of ['c1', 'c2']) {
      store.dispatch(
        queued({ clientId, conversationId: 'conv', body: '', createdAt: '2026-01-01T00:00:00.000Z' }),
      );
    }
    await expect
      .poll(() => allPending(store.getState().outbox).map((m) => `${m.clientId}:${m.status}`))
      .toEqual(['c2:failed']);
    expect(order).toEqual(['upload c1', 'send c1', 'upload c2']);
    expect(sent).toEqual([[view.id]]);
    stop();
  });
});

/** The composer's view of the chosen files, as the hook hands it over. */
function drafts(over: Partial<AttachmentDrafts>): AttachmentDrafts {
  return {
    drafts: [],
    problems: [],
    add: vi.fn(),
    cancel: vi.fn(),
    retry: vi.fn(),
    remove: vi.fn(),
    ready: 0,
    blocked: undefined,
    take: vi.fn(() => []),
    ...over,
  };
}

describe('the composer with files', () => {
  it('sends files without text once they are uploaded, not while one is still uploading', () => {
    const onSend = vi.fn();
    const { rerender } = render(
      <Composer onSend={onSend} label="Message ada" attachments={drafts({ ready: 1, blocked: 'Wait.' })} />,
    );
    const send = screen.getByRole('button', { name: 'Send' });
    expect(send).toHaveProperty('disabled', true);
    rerender(<Composer onSend={onSend} label="Message ada" attachments={drafts({ ready: 1 })} />);
    expect(send).toHaveProperty('disabled', false);
    fireEvent.click(send);
    expect(onSend).toHaveBeenCalledWith('');
  });

  it('attaches pasted files and leaves pasted text alone', () => {
    const add = vi.fn();
    render(<Composer onSend={vi.fn()} label="Message ada" attachments={drafts({ add })} />);
    const box = screen.getByLabelText('Message ada');
    const file = new File(['png'], 'shot.png', { type: 'image/png' });
    fireEvent.paste(box, { clipboardData: { files: [file], getData: () => '' } });
    expect(add).toHaveBeenCalledWith([file]);
    fireEvent.paste(box, { clipboardData: { files: [], getData: () => 'text' } });
    expect(add).toHaveBeenCalledTimes(1);
  });
});
