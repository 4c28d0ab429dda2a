// pods/log: served by the registered pod-log provider (the node agent). Without one, a pod's
// containers have not started anywhere, and the answer is the real server's for that case.
import { storeKey, type ResourceRequest } from '../context.ts';
import { badRequest, notFound } from '../status.ts';

export async function handlePodLog(rr: ResourceRequest): Promise<void> {
  const pod = rr.ctx.store.get(storeKey(rr.served, rr.info.namespace, rr.info.name));
  if (pod === undefined) throw notFound(rr.served, rr.info.name);
  const containers = (((pod['spec'] ?? {}) as { containers?: { name: string }[] }).containers ?? []).map((c) => c.name);
  let container = rr.query.get('container') ?? undefined;
  if (container === undefined || container === '') {
    if (containers.length !== 1) {
      throw badRequest(`a container name must be specified for pod ${rr.info.name}, choose one of: [${containers.join(' ')}]`);
    }
    container = containers[0]!;
  } else if (!containers.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${rr.info.name}`);
  }
  const provider = rr.ctx.podLogs.provider;
  if (provider === undefined) {
    throw badRequest(`container "${container}" in pod "${rr.info.name}" is waiting to start: ContainerCreating`);
  }
  const num = (name: string): number | undefined => {
    const text = rr.query.get(name);
    if (text === null || text === '') return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw badRequest(`${name}: Invalid value: "${text}"`);
    return n;
  };
  const tailLines = num('tailLines');
  const sinceSeconds = num('sinceSeconds');
  const limitBytes = num('limitBytes');
  const stream = await provider(pod, {
    container,
    follow: rr.query.get('follow') === 'true',
    previous: rr.query.get('previous') === 'true',
    timestamps: rr.query.get('timestamps') === 'true',
    signal: rr.signal,
    ...(tailLines === undefined ? {} : { tailLines }),
    ...(sinceSeconds === undefined ? {} : { sinceSeconds }),
    ...(limitBytes === undefined ? {} : { limitBytes }),
  });
  rr.res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  try {
    for await (const chunk of stream) {
      if (rr.signal.aborted) break;
      if (!rr.res.write(chunk)) await new Promise((resolve) => rr.res.once('drain', resolve));
    }
  } catch (err) {
    // Headers are out: the pipeline can only cut the connection, which tells the client.
    if (!rr.signal.aborted) throw err;
  }
  rr.res.end();
}
