import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Composer } from '../src/components/composer';

afterEach(cleanup);

describe('Composer', () => {
  it('sends on Enter and clears; Shift+Enter does not send', () => {
    const onSend = vi.fn();
    render(<Composer onSend={onSend} label="Message ada" />);
    const box = screen.getByLabelText('Message ada');
    fireEvent.change(box, { target: { value: 'hello' } });
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(onSend).not.toHaveBeenCalled();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith('hello');
    expect((box as HTMLTextAreaElement).value).toBe('');
  });

  it('never sends blank or oversized messages', () => {
    const onSend = vi.fn();
    render(<Composer onSend={onSend} label="Message ada" />);
    const box = screen.getByLabelText('Message ada');
    fireEvent.change(box, { target: { value: '   ' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', true);
    fireEvent.change(box, { target: { value: 'x'.repeat(4001) } });
    expect(box.getAttribute('aria-invalid')).toBe('true');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', true);
    expect(onSend).not.toHaveBeenCalled();
  });
});
