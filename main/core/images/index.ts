export { sniffImage, ImageRejected, MIME_EXTENSION, FORMAT_NAME, mimeForExtension, type ImageInfo, type ImageMime } from './sniff.js';
export { acceptImage, DEFAULT_IMAGE_LIMITS, type AcceptedImage, type ImageLimits } from './accept.js';
export { ensureThumbnail, renderThumbnail, thumbnailPath, THUMBNAIL_SIZES, type ThumbnailSize } from './thumbnails.js';
export { decodeImage } from './decode.js';
