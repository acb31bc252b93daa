/**
 * Messages from the server and the CLI mark commands with backticks (`studio serve`). On screen
 * those are shown as code, not as raw backticks: the text split into plain and code parts.
 */
export interface TextPart {
  text: string;
  code: boolean;
}

export function inlineCodeParts(message: string): TextPart[] {
  const pieces = message.split('`');
  // An odd number of backticks leaves the last one unpaired: it stays as typed.
  if (pieces.length % 2 === 0) return [{ text: message, code: false }];
  return pieces.map((text, index) => ({ text, code: index % 2 === 1 })).filter((part) => part.text !== '');
}
