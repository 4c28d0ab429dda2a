// The scheduler of the embedded node: every pending pod of the default scheduler is placed on
// this node once its claims allow it (scheduler-decide.ts says what to do; this file does it):
// - unschedulable: condition PodScheduled=False/Unschedulable with the scheduler's message and a
//   FailedScheduling event; retried when a claim or class changes, and every `retryMs`;
// - select-node: the claims get `volume.kubernetes.io/selected-node`; the pod waits until they
//   are bound (their updates bring it back);
// - bind: POST pods/<name>/binding (the API server sets PodScheduled=True there; this sets it
//   too if the server did not), and a Scheduled event.
import { CoreV1Api, type KubeConfig, type KubernetesListObject, StorageV1Api, type V1PersistentVolumeClaim, type V1Pod, type V1StorageClass } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { kube, orUndefined, toKubeError } from '../../kube/errors.ts';
import { Informer } from '../../kube/informer.ts';
import { mergePatch, strategicMergePatch } from '../../kube/patch.ts';
import { EventRecorder } from '../../runtime/events.ts';
import { Manager, objectKey, splitKey } from '../../runtime/manager.ts';
import { type Result, done, requeueAfter } from '../../runtime/reconciler.ts';
import type { WorkQueue } from '../../runtime/workqueue.ts';
import { rfc3339 } from './pods/status-decide.ts';
import { decideScheduling, needsScheduling, podClaimNames, selectedNodeAnnotation } from './scheduler-decide.ts';

export interface SchedulerOptions {
  kubeConfig: KubeConfig;
  nodeName: string;
  logger?: Logger;
  /** How often an unschedulable pod is tried again without a triggering change (default 30 s). */
  retryMs?: number;
}

export class Scheduler {
  readonly #opts: SchedulerOptions;
  readonly #core: CoreV1Api;
  readonly #manager: Manager;
  readonly #queue: WorkQueue<string>;
  readonly #pods: Informer<V1Pod>;
  readonly #claims: Informer<V1PersistentVolumeClaim>;
  readonly #classes: Informer<V1StorageClass>;
  readonly #events: EventRecorder;

  constructor(opts: SchedulerOptions) {
    this.#opts = opts;
    const kc = opts.kubeConfig;
    this.#core = kc.makeApiClient(CoreV1Api);
    const storage = kc.makeApiClient(StorageV1Api);
    const logger = opts.logger?.child({ component: 'scheduler' });
    const loggerOpt = logger ? { logger } : {};
    this.#manager = new Manager(loggerOpt);
    this.#events = new EventRecorder({ kubeConfig: kc, component: 'default-scheduler', ...loggerOpt });
    this.#queue = this.#manager.addController({ name: 'scheduler', reconcile: (key) => this.#reconcile(key) }, 2);
    const enqueue = (pod: V1Pod) => this.#queue.add(objectKey(pod));
    const fieldSelector = 'spec.nodeName=';
    this.#pods = this.#manager.addInformer(
      new Informer<V1Pod>({
        kubeConfig: kc,
        path: '/api/v1/pods',
        fieldSelector,
        list: () => this.#core.listPodForAllNamespaces({ fieldSelector }) as Promise<KubernetesListObject<V1Pod>>,
        onAdd: enqueue,
        onUpdate: enqueue,
        ...loggerOpt,
      }),
    );
    const claimChanged = (claim: V1PersistentVolumeClaim) => {
      for (const pod of this.#pods.list(claim.metadata?.namespace)) {
        if (podClaimNames(pod).includes(claim.metadata?.name ?? '')) enqueue(pod);
      }
    };
    this.#claims = this.#manager.addInformer(
      new Informer<V1PersistentVolumeClaim>({
        kubeConfig: kc,
        path: '/api/v1/persistentvolumeclaims',
        list: () => this.#core.listPersistentVolumeClaimForAllNamespaces(),
        onAdd: claimChanged,
        onUpdate: claimChanged,
        onDelete: claimChanged,
        ...loggerOpt,
      }),
    );
    this.#classes = this.#manager.addInformer(
      new Informer<V1StorageClass>({
        kubeConfig: kc,
        path: '/apis/storage.k8s.io/v1/storageclasses',
        list: () => storage.listStorageClass(),
        onAdd: () => this.#pods.list().forEach(enqueue),
        ...loggerOpt,
      }),
    );
  }

  async start(): Promise<void> {
    await this.#manager.start();
  }

  async stop(): Promise<void> {
    await this.#manager.stop();
  }

  async #reconcile(key: string): Promise<Result> {
    const { namespace, name } = splitKey(key);
    const pod = this.#pods.get(name, namespace);
    if (!pod || !needsScheduling(pod)) return done;
    const nodeName = this.#opts.nodeName;
    const decision = decideScheduling({
      pod,
      nodeName,
      nodeCount: 1,
      claim: (claim) => this.#claims.get(claim, namespace),
      storageClass: (cls) => this.#classes.get(cls),
    });
    const subject = { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata ?? {} };
    switch (decision.kind) {
      case 'unschedulable': {
        await this.#setScheduledCondition(pod, 'False', 'Unschedulable', decision.message);
        await this.#events.record(subject, 'Warning', 'FailedScheduling', decision.message);
        return requeueAfter(this.#opts.retryMs ?? 30_000);
      }
      case 'select-node': {
        for (const claim of decision.claims) {
          await kube(this.#core.patchNamespacedPersistentVolumeClaim({ name: claim, namespace, body: { metadata: { annotations: { [selectedNodeAnnotation]: nodeName } } } }, mergePatch));
        }
        this.#opts.logger?.info({ pod: key, claims: decision.claims, node: nodeName }, 'selected node for WaitForFirstConsumer claims');
        return done;
      }
      case 'wait-for-binding':
        return done;
      case 'bind': {
        await this.#bind(pod, nodeName);
        await this.#events.record(subject, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
        return done;
      }
    }
  }

  async #bind(pod: V1Pod, nodeName: string): Promise<void> {
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? '';
    try {
      await kube(
        this.#core.createNamespacedPodBinding({
          name,
          namespace,
          body: { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid: pod.metadata?.uid }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } },
        }),
      );
    } catch (err) {
      // A server without pods/binding: set spec.nodeName directly (a real server forbids this).
      if (toKubeError(err).code !== 'ENOTFOUND' || !(await orUndefined(this.#core.readNamespacedPod({ name, namespace })))) throw err;
      await kube(this.#core.patchNamespacedPod({ name, namespace, body: { spec: { nodeName } } }, mergePatch));
    }
    const bound = await orUndefined(this.#core.readNamespacedPod({ name, namespace }));
    const scheduled = bound?.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (bound && scheduled?.status !== 'True') await this.#setScheduledCondition(bound, 'True');
  }

  async #setScheduledCondition(pod: V1Pod, status: 'True' | 'False', reason?: string, message?: string): Promise<void> {
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (current && current.status === status && (current.reason ?? undefined) === reason && (current.message ?? undefined) === message) return;
    const condition = {
      type: 'PodScheduled',
      status,
      lastProbeTime: null,
      lastTransitionTime: current && current.status === status && current.lastTransitionTime ? current.lastTransitionTime : rfc3339(new Date()),
      reason: reason ?? null,
      message: message ?? null,
    };
    await kube(
      this.#core.patchNamespacedPodStatus({ name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', body: { status: { conditions: [condition] } } }, strategicMergePatch),
    );
  }
}
