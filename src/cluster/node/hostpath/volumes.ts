// The hostpath driver's volumes on disk, the way a CSI driver keeps them: each volume lives at
// `<root>/volumes/<volume-name>`, a directory for Filesystem volumes and a sparse file for Block
// volumes (presented to pods as a block device); snapshots at `<root>/snapshots/<id>`. Capacity
// is accounted by requested size, as a thin-provisioning driver with a quota would do: a volume
// that does not fit is refused with ENOSPACE, and the claim stays Pending.
import { spawn } from 'node:child_process';
import { mkdir, open, readFile, rm, stat, writeFile, rename, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export type VolumeMode = 'Filesystem' | 'Block';

export interface VolumeRecord {
  name: string;
  mode: VolumeMode;
  sizeBytes: number;
}

export class VolumeError extends Error {
  readonly code: 'ENOSPACE' | 'ENOTFOUND' | 'EEXISTS' | 'ECOPY';
  constructor(code: VolumeError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VolumeError';
    this.code = code;
  }
}

/** Volumes and snapshots under one root directory, with a capacity limit. */
export class HostpathVolumes {
  readonly root: string;
  readonly capacityBytes: number;

  constructor(root: string, capacityBytes: number) {
    this.root = root;
    this.capacityBytes = capacityBytes;
  }

  volumePath(name: string): string {
    return join(this.root, 'volumes', name);
  }

  snapshotPath(id: string): string {
    return join(this.root, 'snapshots', id);
  }

  #recordPath(kind: 'volumes' | 'snapshots', name: string): string {
    return join(this.root, 'records', kind, `${name}.json`);
  }

  async #readRecord(kind: 'volumes' | 'snapshots', name: string): Promise<VolumeRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.#recordPath(kind, name), 'utf8')) as VolumeRecord;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async #writeRecord(kind: 'volumes' | 'snapshots', record: VolumeRecord): Promise<void> {
    const path = this.#recordPath(kind, record.name);
    await mkdir(join(this.root, 'records', kind), { recursive: true });
    await writeFile(`${path}.tmp`, JSON.stringify(record));
    await rename(`${path}.tmp`, path);
  }

  async #records(kind: 'volumes' | 'snapshots'): Promise<VolumeRecord[]> {
    let names: string[];
    try {
      names = await readdir(join(this.root, 'records', kind));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: VolumeRecord[] = [];
    for (const n of names.filter((x) => x.endsWith('.json'))) {
      const r = await this.#readRecord(kind, n.slice(0, -'.json'.length));
      if (r) out.push(r);
    }
    return out;
  }

  /** Bytes promised to volumes and snapshots. */
  async usedBytes(): Promise<number> {
    const all = [...(await this.#records('volumes')), ...(await this.#records('snapshots'))];
    return all.reduce((sum, r) => sum + r.sizeBytes, 0);
  }

  async get(name: string): Promise<VolumeRecord | undefined> {
    return this.#readRecord('volumes', name);
  }

  async #reserve(extra: number, what: string): Promise<void> {
    const used = await this.usedBytes();
    if (used + extra > this.capacityBytes) {
      throw new VolumeError(
        'ENOSPACE',
        `not enough space for ${what}: requested ${extra} bytes, ${Math.max(0, this.capacityBytes - used)} of ${this.capacityBytes} bytes free on the node`,
      );
    }
  }

  /** Creates an empty volume; idempotent for the same name, mode and size. */
  async create(name: string, mode: VolumeMode, sizeBytes: number): Promise<VolumeRecord> {
    const existing = await this.get(name);
    if (existing) return existing;
    await this.#reserve(sizeBytes, `volume ${name}`);
    await this.#materialize(name, mode, sizeBytes);
    const record = { name, mode, sizeBytes };
    await this.#writeRecord('volumes', record);
    return record;
  }

  async #materialize(name: string, mode: VolumeMode, sizeBytes: number): Promise<void> {
    const path = this.volumePath(name);
    await mkdir(join(this.root, 'volumes'), { recursive: true });
    if (mode === 'Filesystem') {
      await mkdir(path, { recursive: true });
    } else {
      const fh = await open(path, 'a');
      try {
        await fh.truncate(sizeBytes);
      } finally {
        await fh.close();
      }
    }
  }

  /** Copies `source` (a volume or a snapshot) into a new volume: a reflink where the filesystem offers one, else a sparse copy. */
  async createFrom(name: string, from: { volume?: string; snapshot?: string }, mode: VolumeMode, sizeBytes: number): Promise<VolumeRecord> {
    const existing = await this.get(name);
    if (existing) return existing;
    const src = from.volume ? await this.get(from.volume) : from.snapshot ? await this.#readRecord('snapshots', from.snapshot) : undefined;
    const srcPath = from.volume ? this.volumePath(from.volume) : from.snapshot ? this.snapshotPath(from.snapshot) : '';
    if (!src) throw new VolumeError('ENOTFOUND', `source ${from.volume ? `volume ${from.volume}` : `snapshot ${from.snapshot}`} does not exist on the node`);
    const size = Math.max(sizeBytes, src.sizeBytes);
    await this.#reserve(size, `volume ${name}`);
    await mkdir(join(this.root, 'volumes'), { recursive: true });
    await copyTree(srcPath, this.volumePath(name));
    if (mode === 'Block' && size > src.sizeBytes) {
      const fh = await open(this.volumePath(name), 'r+');
      try {
        await fh.truncate(size);
      } finally {
        await fh.close();
      }
    }
    const record = { name, mode, sizeBytes: size };
    await this.#writeRecord('volumes', record);
    return record;
  }

  /** Grows a volume (never shrinks): a Block volume's file is extended; a Filesystem volume's quota grows. */
  async expand(name: string, sizeBytes: number): Promise<VolumeRecord> {
    const record = await this.get(name);
    if (!record) throw new VolumeError('ENOTFOUND', `volume ${name} does not exist on the node`);
    if (sizeBytes <= record.sizeBytes) return record;
    await this.#reserve(sizeBytes - record.sizeBytes, `expanding volume ${name}`);
    if (record.mode === 'Block') {
      const fh = await open(this.volumePath(name), 'r+');
      try {
        await fh.truncate(sizeBytes);
      } finally {
        await fh.close();
      }
    }
    const grown = { ...record, sizeBytes };
    await this.#writeRecord('volumes', grown);
    return grown;
  }

  async snapshot(id: string, volume: string): Promise<VolumeRecord> {
    const existing = await this.#readRecord('snapshots', id);
    if (existing) return existing;
    const src = await this.get(volume);
    if (!src) throw new VolumeError('ENOTFOUND', `volume ${volume} does not exist on the node`);
    await this.#reserve(src.sizeBytes, `snapshot ${id}`);
    await mkdir(join(this.root, 'snapshots'), { recursive: true });
    await copyTree(this.volumePath(volume), this.snapshotPath(id));
    const record = { name: id, mode: src.mode, sizeBytes: src.sizeBytes };
    await this.#writeRecord('snapshots', record);
    return record;
  }

  async getSnapshot(id: string): Promise<VolumeRecord | undefined> {
    return this.#readRecord('snapshots', id);
  }

  async remove(name: string): Promise<void> {
    await rm(this.volumePath(name), { recursive: true, force: true });
    await rm(this.#recordPath('volumes', name), { force: true });
  }

  async removeSnapshot(id: string): Promise<void> {
    await rm(this.snapshotPath(id), { recursive: true, force: true });
    await rm(this.#recordPath('snapshots', id), { force: true });
  }

  /** Allocated bytes of a volume on disk (what sparseness saves). */
  async allocatedBytes(name: string): Promise<number> {
    const st = await stat(this.volumePath(name));
    return st.blocks * 512;
  }
}

/** cp with reflinks where possible and holes kept; a directory tree or one file. */
function copyTree(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('cp', ['-a', '--reflink=auto', '--sparse=always', '-T', from, to], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', (err) => reject(new VolumeError('ECOPY', `copying ${from} to ${to} failed: ${err.message}`, { cause: err })));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new VolumeError('ECOPY', `copying ${from} to ${to} failed: ${stderr.trim()}`))));
  });
}
