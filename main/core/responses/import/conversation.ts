/**
 * Conversational fields as TRL and chat datasets write them: a plain string, or a list of
 * messages `{"role": "user", "content": ...}` whose content is a string or a list of parts
 * (`{"type": "text", "text": ...}`, `{"type": "image"}`). Images in a turn are not compared:
 * an item is matched by its prompt text.
 */
import { describe, isObject, type FieldProblem } from './fields.js';

export interface Turn {
  role: string;
  text: string;
}

function contentText(content: unknown, at: string, problems: FieldProblem[]): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) {
    problems.push({ field: `${at}.content`, message: `content must be text or a list of parts, not ${describe(content)}` });
    return null;
  }
  const texts: string[] = [];
  for (const [index, part] of content.entries()) {
    if (typeof part === 'string') {
      texts.push(part);
      continue;
    }
    if (!isObject(part) || typeof part.type !== 'string') {
      problems.push({ field: `${at}.content[${index}]`, message: `each part must be {"type": "text", "text": ...} or {"type": "image"}, not ${describe(part)}` });
      return null;
    }
    if (part.type === 'text') {
      if (typeof part.text !== 'string') {
        problems.push({ field: `${at}.content[${index}].text`, message: `a text part's text must be a string, not ${describe(part.text)}` });
        return null;
      }
      texts.push(part.text);
    }
    // Other parts (image, image_url, audio) carry no text to match or keep.
  }
  return texts.join('\n');
}

/** The turns of a message list, or null with the problems said. */
export function readTurns(value: unknown, field: string, problems: FieldProblem[]): Turn[] | null {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ field, message: `${field} must be a non-empty list of messages ({"role": ..., "content": ...}), not ${describe(value)}` });
    return null;
  }
  const turns: Turn[] = [];
  for (const [index, message] of value.entries()) {
    const at = `${field}[${index}]`;
    if (!isObject(message) || typeof message.role !== 'string') {
      problems.push({ field: at, message: `each message must be an object with a role and content, not ${describe(message)}` });
      return null;
    }
    const text = contentText(message.content, at, problems);
    if (text === null) return null;
    turns.push({ role: message.role, text });
  }
  return turns;
}

/** Turns without the system prompt, which is no part of an item's text. */
function spoken(turns: Turn[]): Turn[] {
  return turns.filter((t) => t.role !== 'system');
}

/** The one user turn of a prompt (a string prompt is that turn). Multi-turn prompts are refused: an item is one prompt. */
export function promptText(value: unknown, field: string, problems: FieldProblem[]): string | null {
  if (typeof value === 'string') return value;
  const turns = readTurns(value, field, problems);
  if (!turns) return null;
  const users = spoken(turns).filter((t) => t.role === 'user');
  if (users.length !== 1 || spoken(turns).length !== 1) {
    problems.push({ field, message: `the prompt must be one user message (it has ${spoken(turns).length} messages besides the system prompt, ${users.length} from the user)` });
    return null;
  }
  return users[0]!.text;
}

/** A completion: a string, or assistant messages (TRL's conversational `chosen`/`rejected`). */
export function completionText(value: unknown, field: string, problems: FieldProblem[]): string | null {
  if (typeof value === 'string') return value;
  const turns = readTurns(value, field, problems);
  if (!turns) return null;
  const assistant = spoken(turns);
  if (assistant.length !== 1 || assistant[0]!.role !== 'assistant') {
    problems.push({ field, message: `${field} must be one assistant message (it has ${assistant.length} messages: ${assistant.map((t) => t.role).join(', ') || 'none'})` });
    return null;
  }
  return assistant[0]!.text;
}

/** A chat: one user turn then one assistant turn (a system prompt may come first). */
export function chatExchange(value: unknown, field: string, problems: FieldProblem[]): { prompt: string; response: string } | null {
  const turns = readTurns(value, field, problems);
  if (!turns) return null;
  const exchange = spoken(turns);
  if (exchange.length !== 2 || exchange[0]!.role !== 'user' || exchange[1]!.role !== 'assistant') {
    problems.push({
      field,
      message: `messages must be one user turn then one assistant turn (got ${exchange.map((t) => t.role).join(', ') || 'none'} besides the system prompt)`,
    });
    return null;
  }
  return { prompt: exchange[0]!.text, response: exchange[1]!.text };
}
