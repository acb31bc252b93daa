/**
 * A tab opened from one of the studio's links (Ctrl+click, middle-click, "open in new tab")
 * starts with empty sessionStorage, so it has no token. Rather than keep the token anywhere
 * longer-lived, the new tab asks the studio's tabs that are already open for it. A
 * BroadcastChannel reaches only pages of the same origin (scheme, host and port: this server),
 * so no other site or other local server can ask or listen.
 */
const CHANNEL = 'cosmo-studio.token';
/** How long a new tab waits for an answer before it shows the "open the link again" message. */
const ASK_TIMEOUT_MS = 500;

type TokenMessage = { type: 'ask' } | { type: 'token'; token: string };

function isTokenMessage(data: unknown): data is TokenMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  return message.type === 'ask' || (message.type === 'token' && typeof message.token === 'string');
}

/** Answers other tabs of this studio that ask for the token, for as long as this tab is open. */
export function answerTokenRequests(token: string): void {
  if (token === '' || typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if (isTokenMessage(event.data) && event.data.type === 'ask') channel.postMessage({ type: 'token', token } satisfies TokenMessage);
  };
}

/** The token from another open tab of this studio, or '' when none answers in time. */
export function askOpenTabsForToken(timeoutMs = ASK_TIMEOUT_MS): Promise<string> {
  if (typeof BroadcastChannel === 'undefined') return Promise.resolve('');
  return new Promise((resolve) => {
    const channel = new BroadcastChannel(CHANNEL);
    const finish = (token: string) => {
      clearTimeout(timer);
      channel.close();
      resolve(token);
    };
    const timer = setTimeout(() => finish(''), timeoutMs);
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (isTokenMessage(event.data) && event.data.type === 'token') finish(event.data.token);
    };
    channel.postMessage({ type: 'ask' } satisfies TokenMessage);
  });
}
