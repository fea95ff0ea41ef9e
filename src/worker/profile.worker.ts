/// <reference lib="webworker" />
// The profile worker: opening and aggregating happen here so that the page stays responsive.
// Each request is answered by its kind's handler, as it comes (opens read files asynchronously).
import { type Call, type Handler, type Handlers, errorOf } from './handler';
import { openHandlers } from './handlers/open';
import { sourceHandlers } from './handlers/source';
import { viewHandlers } from './handlers/views';
import type { RequestKind, WorkerRequest, WorkerResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const handlers: Handlers<RequestKind> = { ...openHandlers, ...viewHandlers, ...sourceHandlers };

/** Requests and opens received so far (see Call.newerRequest and newerOpen). */
let requests = 0;
let opens = 0;

function post(msg: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

async function answer<K extends RequestKind>(req: WorkerRequest<K>, call: Call, transfer: Transferable[]): Promise<void> {
  try {
    const handler: Handler<K> = handlers[req.kind];
    const result = await handler(req.args, call);
    post({ id: req.id, type: 'result', result }, transfer);
  } catch (e) {
    post({ id: req.id, type: 'error', ...errorOf(e) });
  }
}

self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const req = ev.data;
  const request = ++requests;
  const open = req.kind === 'open' || req.kind === 'open-diff' ? ++opens : opens;
  const transfer: Transferable[] = [];
  const call: Call = {
    progress: (progress) => post({ id: req.id, type: 'progress', progress }),
    transfer: (...buffers) => transfer.push(...(buffers as ArrayBuffer[])),
    newerOpen: () => opens !== open,
    newerRequest: () => requests !== request,
  };
  void answer(req, call, transfer);
};
