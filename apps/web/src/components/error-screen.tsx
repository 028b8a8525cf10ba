import { Component, type ReactNode } from 'react';
import { ChunkLoadError, retryFailedChunks } from '../lib/lazy-route';

/** How often a screen that could not be downloaded tries again while its error shows. */
const CHUNK_POLL_MS = 10_000;

interface Props {
  children: ReactNode;
  /** A change (the route's path) clears a shown error: navigating away leaves the error screen. */
  resetKey?: string;
  /** Fills the page (the app's outermost boundary) or the space of one screen. */
  fullPage?: boolean;
}

/**
 * Catches what a screen throws while rendering, so the app shows a real screen with a way on,
 * never a white page. A screen that could not be downloaded tries again by itself when the
 * network returns; anything else offers a reload.
 */
export class ErrorScreen extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  private timer: ReturnType<typeof setInterval> | undefined;

  override componentDidMount() {
    window.addEventListener('online', this.tryAgain);
  }

  override componentWillUnmount() {
    window.removeEventListener('online', this.tryAgain);
    clearInterval(this.timer);
  }

  override componentDidUpdate(previous: Props) {
    if (this.state.error && previous.resetKey !== this.props.resetKey) this.tryAgain();
    // A server that was down sends no "online" event when it is back: keep trying now and then.
    const missing = this.state.error instanceof ChunkLoadError;
    if (missing && this.timer === undefined) this.timer = setInterval(this.tryAgain, CHUNK_POLL_MS);
    if (!missing && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  tryAgain = () => {
    if (!this.state.error) return;
    retryFailedChunks();
    this.setState({ error: null });
  };

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const missing = error instanceof ChunkLoadError;
    return (
      <div
        role="alert"
        data-testid="error-screen"
        className={`flex flex-col items-center justify-center gap-4 p-8 text-center ${this.props.fullPage ? 'min-h-full' : 'h-full'}`}
      >
        <h1 className="text-xl font-semibold">
          {missing ? 'This screen could not be loaded' : 'Something went wrong on this screen'}
        </h1>
        <p className="max-w-md text-slate-700 dark:text-slate-200">
          {missing
            ? 'Pigeon could not reach the server to download it. It will try again when your connection is back, or you can reload now.'
            : 'Reloading usually helps. Your sent messages are safe, and unsent ones wait in your outbox.'}
        </p>
        <div className="flex gap-3">
          <button
            type="button"
            onClick={() => window.location.reload()}
            className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700"
          >
            Reload
          </button>
          <button
            type="button"
            onClick={this.tryAgain}
            className="rounded-md border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
          >
            Try again
          </button>
        </div>
      </div>
    );
  }
}
