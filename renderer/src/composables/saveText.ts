/**
 * Saves text the studio built (a report, a CSV) as a file: a blob: link clicked with a file name.
 * Works the same in the browser and the desktop window (a download, never a navigation), and
 * needs no server route, so nothing about the file ever goes into a URL.
 */
export function saveText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the download a moment to take the bytes before the URL goes away.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
