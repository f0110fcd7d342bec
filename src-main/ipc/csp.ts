/** The Content-Security-Policy of every app page: only our own scripts, no eval, no remote loads. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Vue's scoped styles and canvas sizing set inline style attributes; no inline script is allowed.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  // Tone.js runs its clock in a Worker made from a blob: URL.
  "worker-src 'self' blob:",
  // Loopback WebSockets only: the web host's /events, and Vite's HMR socket under `npm run dev`.
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')
