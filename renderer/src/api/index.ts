export { createStudioClient, clientFromTransport, type StudioClient } from './client';
export { StudioError, errorMessage, toStudioError } from './errors';
export { uploadFiles, relativePath, importableFiles, type UploadProgress, type UploadResult } from './upload';
export type { ConnectionState } from './transport';
export { TOKEN_REFUSED_MESSAGE } from './httpTransport';
