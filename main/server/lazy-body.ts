/**
 * A web Request or Response whose body is already in memory, without the cost of a body stream
 * until a reader asks for one. undici builds a ReadableStream for every body it is given, which
 * costs more than the rest of a small API call together (out/main/bench-server.js); the Node
 * bridge (web-bridge.ts) reads small request bodies at once and writes the API's JSON answers in
 * one piece, so for those the stream is never needed.
 *
 * Both are real instances (`instanceof Request` / `Response`; headers, status, URL, method all
 * the base class's own). Reading the body as bytes, text or JSON answers from memory; anything
 * else (`body`, `blob()`, `bytes()`, `formData()`, `clone()`) is answered by a real Request or
 * Response made with the same bytes on first use. Each body reads once, as the standard says.
 */

type BodyOwner = Request | Response;

/** Where an in-memory body stands: unread, read from memory, or handed to a real Request/Response. */
interface BodyState {
  bytes: Uint8Array;
  real: () => BodyOwner;
  readFromMemory: boolean;
  made: BodyOwner | null;
}

const STATE = Symbol('in-memory body');
type WithState = BodyOwner & { [STATE]: BodyState };

function materialised(owner: WithState): BodyOwner {
  const state = owner[STATE];
  return (state.made ??= state.real());
}

async function take(owner: WithState): Promise<Uint8Array> {
  const state = owner[STATE];
  if (state.made) return new Uint8Array(await state.made.arrayBuffer());
  if (state.readFromMemory) throw new TypeError('Body is unusable: Body has already been read');
  state.readFromMemory = true;
  return state.bytes;
}

async function text(owner: WithState): Promise<string> {
  return new TextDecoder().decode(await take(owner));
}

/**
 * The body members, defined once on each class's prototype (over the base class's own, which
 * would read the empty body the base was made with); per instance there is only the state.
 */
function defineBodyMembers(prototype: object): void {
  Object.defineProperties(prototype, {
    body: {
      get: function (this: WithState) {
        return materialised(this).body;
      },
    },
    bodyUsed: {
      get: function (this: WithState) {
        return this[STATE].readFromMemory || (this[STATE].made?.bodyUsed ?? false);
      },
    },
    arrayBuffer: {
      value: async function (this: WithState) {
        return new Uint8Array(await take(this)).buffer;
      },
    },
    text: {
      value: function (this: WithState) {
        return text(this);
      },
    },
    json: {
      value: async function (this: WithState) {
        return JSON.parse(await text(this)) as unknown;
      },
    },
    blob: {
      value: function (this: WithState) {
        return materialised(this).blob();
      },
    },
    bytes: {
      value: function (this: WithState) {
        return (materialised(this) as unknown as { bytes(): Promise<Uint8Array> }).bytes();
      },
    },
    formData: {
      value: function (this: WithState) {
        return materialised(this).formData();
      },
    },
    clone: {
      value: function (this: WithState) {
        return materialised(this).clone();
      },
    },
  });
}

/** A request whose whole body was read already (web-bridge.ts: small bodies with a declared length). */
export class BufferedRequest extends Request {
  readonly [STATE]: BodyState;

  constructor(url: string, init: { method: string; headers: Headers }, bytes: Buffer) {
    super(url, init);
    this[STATE] = { bytes, readFromMemory: false, made: null, real: () => new Request(url, { method: this.method, headers: this.headers, body: bytes }) };
  }
}
defineBodyMembers(BufferedRequest.prototype);

/** A JSON answer (respond.ts); the bridge writes `bodyText` in one piece. */
export class JsonResponse extends Response {
  readonly bodyText: string;
  readonly [STATE]: BodyState;

  constructor(bodyText: string, init: { status: number; headers: Record<string, string> }) {
    super(null, init);
    this.bodyText = bodyText;
    const bytes = Buffer.from(bodyText);
    this[STATE] = { bytes, readFromMemory: false, made: null, real: () => new Response(bytes, { status: this.status, statusText: this.statusText, headers: this.headers }) };
  }
}
defineBodyMembers(JsonResponse.prototype);
