// Each pod gets its own loopback address (Linux routes all of 127.0.0.0/8 to lo without any
// setup), so two pods can listen on the same port. Addresses come from 127.10.0.0/16; a freed
// address is handed out again only after the rest of the range was used (as IPAM avoids quick
// reuse, so a stale client does not reach a new pod). Allocation starts at `startOffset`: agents
// of different clusters on one machine start in different /24 blocks (see addressBlockFor), so
// their pods rarely share an address.

const base = (127 << 24) | (10 << 16);
const first = 2; // 127.10.0.0 and 127.10.0.1 are never handed out
const last = 0xffff - 1; // nor 127.10.255.255

export const podNetworkCidr = '127.10.0.0/16';

export function ipFromOffset(offset: number): string {
  const n = (base + offset) >>> 0;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function offsetFromIp(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  const [a, b, c, d] = parts as [number, number, number, number];
  if (a !== 127 || b !== 10) return undefined;
  const offset = (c << 8) | d;
  return offset >= first && offset <= last ? offset : undefined;
}

export class PodIpAllocator {
  readonly #byOwner = new Map<string, number>();
  readonly #owners = new Map<number, string>();
  #next: number;

  constructor(startOffset = first) {
    this.#next = Math.min(Math.max(startOffset, first), last);
  }

  /** The owner's address: the one it holds, else `preferred` if free and in range, else the next free. */
  allocate(owner: string, preferred?: string): string {
    const held = this.#byOwner.get(owner);
    if (held !== undefined) return ipFromOffset(held);
    const wanted = preferred ? offsetFromIp(preferred) : undefined;
    if (wanted !== undefined && !this.#owners.has(wanted)) return this.#take(owner, wanted);
    for (let i = 0; i <= last - first; i++) {
      const candidate = first + ((this.#next - first + i) % (last - first + 1));
      if (!this.#owners.has(candidate)) {
        this.#next = candidate + 1 > last ? first : candidate + 1;
        return this.#take(owner, candidate);
      }
    }
    throw Object.assign(new Error(`no free pod address left in ${podNetworkCidr}`), { code: 'EPODIPEXHAUSTED' });
  }

  #take(owner: string, offset: number): string {
    this.#byOwner.set(owner, offset);
    this.#owners.set(offset, owner);
    return ipFromOffset(offset);
  }

  release(owner: string): void {
    const offset = this.#byOwner.get(owner);
    if (offset === undefined) return;
    this.#byOwner.delete(owner);
    this.#owners.delete(offset);
  }

  ipOf(owner: string): string | undefined {
    const offset = this.#byOwner.get(owner);
    return offset === undefined ? undefined : ipFromOffset(offset);
  }

  size(): number {
    return this.#byOwner.size;
  }
}

/** A /24 block (1..254) for a cluster, stable for its state dir: where its addresses start. */
export function addressBlockFor(seed: string): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  return 1 + (h % 254);
}
