/**
 * Format detection by magic bytes: a pure function of the first bytes of a stream. The decoder
 * stack (decoders.ts) calls it, peels a compression layer when it finds one, and calls it again
 * on the decompressed bytes, so `.qcow2.xz` is seen as xz, then qcow2.
 */

export type Compression = 'gzip' | 'xz' | 'zstd';
/** Image formats named as qemu-img names them (`-f`); `raw` includes ISO 9660 images. */
export type ImageFormat = 'raw' | 'qcow2' | 'vmdk' | 'vdi' | 'vpc' | 'vhdx';

export type Detection =
  | { kind: 'compressed'; compression: Compression }
  | { kind: 'image'; format: ImageFormat; /** what the bytes looked like, for logs */ label: string }
  | { kind: 'tar' }
  | { kind: 'unsupported'; label: string };

/**
 * How many leading bytes detect() wants: enough for the ISO 9660 volume descriptor at 0x8001.
 * Fewer is fine when the stream is shorter.
 */
export const DETECT_HEADER_BYTES = 0x8001 + 5;

function startsWith(head: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (head.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (head[at + i] !== magic[i]) return false;
  return true;
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

const GZIP = [0x1f, 0x8b];
const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];
const QCOW = [0x51, 0x46, 0x49, 0xfb];
const VMDK_SPARSE = ascii('KDMV');
const VMDK_COWD = ascii('COWD');
const VMDK_DESCRIPTOR = ascii('# Disk DescriptorFile');
const VDI_SIGNATURE = [0x7f, 0x10, 0xda, 0xbe];
const VHD = ascii('conectix');
const VHDX = ascii('vhdxfile');
const ISO9660 = ascii('CD001');
const USTAR = ascii('ustar');
const BZIP2 = ascii('BZh');
const QED = [0x51, 0x45, 0x44, 0x00];
const LUKS = [0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe];

/** Classifies a stream by its first bytes (at least DETECT_HEADER_BYTES, unless it is shorter). */
export function detect(head: Uint8Array): Detection {
  if (startsWith(head, GZIP)) return { kind: 'compressed', compression: 'gzip' };
  if (startsWith(head, XZ)) return { kind: 'compressed', compression: 'xz' };
  if (startsWith(head, ZSTD)) return { kind: 'compressed', compression: 'zstd' };
  if (startsWith(head, QCOW)) {
    const version = head.length >= 8 ? new DataView(head.buffer, head.byteOffset, 8).getUint32(4) : 0;
    if (version < 2) return { kind: 'unsupported', label: `qcow version ${version}` };
    return { kind: 'image', format: 'qcow2', label: `qcow2 v${version}` };
  }
  if (startsWith(head, VMDK_SPARSE)) return { kind: 'image', format: 'vmdk', label: 'vmdk sparse extent' };
  if (startsWith(head, VMDK_COWD)) return { kind: 'image', format: 'vmdk', label: 'vmdk ESX sparse extent' };
  if (startsWith(head, VMDK_DESCRIPTOR)) return { kind: 'image', format: 'vmdk', label: 'vmdk descriptor' };
  if (startsWith(head, VDI_SIGNATURE, 0x40)) return { kind: 'image', format: 'vdi', label: 'vdi' };
  if (startsWith(head, VHD)) return { kind: 'image', format: 'vpc', label: 'vhd' };
  if (startsWith(head, VHDX)) return { kind: 'image', format: 'vhdx', label: 'vhdx' };
  if (startsWith(head, QED)) return { kind: 'unsupported', label: 'qed' };
  if (startsWith(head, LUKS)) return { kind: 'unsupported', label: 'luks' };
  if (startsWith(head, BZIP2) && head.length >= 4 && head[3]! >= 0x31 && head[3]! <= 0x39) {
    return { kind: 'unsupported', label: 'bzip2' };
  }
  if (startsWith(head, USTAR, 257)) return { kind: 'tar' };
  if (startsWith(head, ISO9660, 0x8001)) return { kind: 'image', format: 'raw', label: 'iso9660' };
  return { kind: 'image', format: 'raw', label: 'raw' };
}
