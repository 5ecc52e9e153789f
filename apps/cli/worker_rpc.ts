/**
 * Request/reply over Deno Workers for the commands' worker engines: start `n` workers of a
 * module and initialise each, and send one message and await its one reply. A worker
 * replies `{ type: "error", message }` when it fails; that rejects the request.
 * @module
 */

/** A worker's reply: `type` names it; "error" carries `message`. */
export interface WorkerReplyBase {
  type: string;
  message?: string;
}

/** Post `msg` (transferring `transfer`) to `w` and resolve with its next reply. */
export function request<R extends WorkerReplyBase>(
  w: Worker,
  msg: unknown,
  transfer: Transferable[] = [],
): Promise<R> {
  return new Promise((resolve, reject) => {
    w.onmessage = (e: MessageEvent<R>) => {
      if (e.data.type === "error") reject(new Error(`worker: ${e.data.message}`));
      else resolve(e.data);
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      reject(new Error(`worker: ${e.message}`));
    };
    w.postMessage(msg, transfer);
  });
}

/** Start `n` module workers of `url` and send each `init`; on any failure all are stopped. */
export async function startWorkers(url: URL, n: number, init: unknown): Promise<Worker[]> {
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < n; i++) workers.push(new Worker(url, { type: "module" }));
    await Promise.all(workers.map((w) => request(w, init)));
  } catch (e) {
    for (const w of workers) w.terminate();
    throw e;
  }
  return workers;
}
