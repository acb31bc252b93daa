export { startServer, type RunningServer, type ServerCore, type ServerOptions } from './server.js';
export { callMethod, callByName, callAsEnvelope, parseInput, toErrorBody, httpStatus, type Envelope, type ErrorLog } from './dispatch.js';
export { newToken, tokensEqual } from './auth.js';
