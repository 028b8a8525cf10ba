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

  it('↑ in an empty box asks to edit the last message; not when there is text', () => {
    const onEditLast = vi.fn(() => true);
    render(<Composer onSend={vi.fn()} onEditLast={onEditLast} label="Message ada" />);
    const box = screen.getByLabelText('Message ada');
    fireEvent.change(box, { target: { value: 'draft' } });
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    expect(onEditLast).not.toHaveBeenCalled();
    fireEvent.change(box, { target: { value: '' } });
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    expect(onEditLast).toHaveBeenCalledTimes(1);
  });

  it('reports every change of the text, the clearing too (it ends the typing signal)', () => {
    const onTextChange = vi.fn();
    render(<Composer onSend={vi.fn()} onTextChange={onTextChange} label="Message ada" />);
    const box = screen.getByLabelText('Message ada');
    fireEvent.change(box, { target: { value: 'hi' } });
    fireEvent.change(box, { target: { value: '' } });
    expect(onTextChange.mock.calls).toEqual([['hi'], ['']]);
  });

  it('takes focus, caret at the end, on request; on mount only when asked', () => {
    const { rerender } = render(
      <Composer onSend={vi.fn()} label="Message ada" initialBody="hello" focusRequest={0} />,
    );
    const box = screen.getByLabelText<HTMLTextAreaElement>('Message ada');
    expect(document.activeElement).not.toBe(box);
    rerender(<Composer onSend={vi.fn()} label="Message ada" initialBody="hello" focusRequest={1} />);
    expect(document.activeElement).toBe(box);
    expect([box.selectionStart, box.selectionEnd]).toEqual([5, 5]);
    cleanup();
    render(<Composer onSend={vi.fn()} label="Message bob" focusOnMount />);
    expect(document.activeElement).toBe(screen.getByLabelText('Message bob'));
  });
});
