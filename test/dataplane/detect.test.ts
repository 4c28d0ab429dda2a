// Format detection by magic bytes, and the decoder stack that peels compression layers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { detect } from '../../src/dataplane/detect.ts';
import { openDecoded } from '../../src/dataplane/decoders.ts';
import { parseChecksum } from '../../src/dataplane/checksum.ts';
import { parseQemuProgress } from '../../src/dataplane/qemu.ts';

function header(bytes: [number, string | number[]][], size = 0x9000): Uint8Array {
  const buf = Buffer.alloc(size);
  for (const [at, v] of bytes) (typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from(v)).copy(buf, at);
  return buf;
}

test('magic bytes', () => {
  const table: [Uint8Array, ReturnType<typeof detect>][] = [
    [header([[0, [0x1f, 0x8b, 8]]]), { kind: 'compressed', compression: 'gzip' }],
    [header([[0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]]]), { kind: 'compressed', compression: 'xz' }],
    [header([[0, [0x28, 0xb5, 0x2f, 0xfd]]]), { kind: 'compressed', compression: 'zstd' }],
    [header([[0, [0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]]]), { kind: 'image', format: 'qcow2', label: 'qcow2 v3' }],
    [header([[0, [0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 1]]]), { kind: 'unsupported', label: 'qcow version 1' }],
    [header([[0, 'KDMV']]), { kind: 'image', format: 'vmdk', label: 'vmdk sparse extent' }],
    [header([[0, '# Disk DescriptorFile\n']]), { kind: 'image', format: 'vmdk', label: 'vmdk descriptor' }],
    [header([[0x40, [0x7f, 0x10, 0xda, 0xbe]]]), { kind: 'image', format: 'vdi', label: 'vdi' }],
    [header([[0, 'conectix']]), { kind: 'image', format: 'vpc', label: 'vhd' }],
    [header([[0, 'vhdxfile']]), { kind: 'image', format: 'vhdx', label: 'vhdx' }],
    [header([[257, 'ustar']]), { kind: 'tar' }],
    [header([[0x8001, 'CD001']]), { kind: 'image', format: 'raw', label: 'iso9660' }],
    [header([[0, 'QED\0']]), { kind: 'unsupported', label: 'qed' }],
    [header([]), { kind: 'image', format: 'raw', label: 'raw' }],
    [new Uint8Array([0x1f]), { kind: 'image', format: 'raw', label: 'raw' }],
  ];
  for (const [head, want] of table) assert.deepEqual(detect(head), want);
});

async function* chunks(data: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < data.byteLength; i += size) yield data.subarray(i, i + size);
}

test('stacked layers are peeled in order and the bytes come out whole', async () => {
  const inner = header([[0, 'vhdxfile']], 200_000);
  const wrapped = gzipSync(zstdCompressSync(inner));
  const decoded = await openDecoded(chunks(wrapped, 777), AbortSignal.timeout(10_000));
  assert.deepEqual(decoded.compressions, ['gzip', 'zstd']);
  assert.deepEqual(decoded.detection, { kind: 'image', format: 'vhdx', label: 'vhdx' });
  const out: Uint8Array[] = [];
  for await (const c of decoded.stream) out.push(c);
  assert.ok(Buffer.concat(out).equals(inner));
});

test('too many compression layers is refused', async () => {
  let data: Buffer = Buffer.from('hello');
  for (let i = 0; i < 4; i++) data = gzipSync(data);
  await assert.rejects(openDecoded(chunks(data, 100), AbortSignal.timeout(10_000)), { code: 'EUNSUPPORTEDFORMAT' });
});

test('checksum specs', () => {
  assert.deepEqual(parseChecksum('SHA256:' + 'AB'.repeat(32)), { algorithm: 'sha256', hex: 'ab'.repeat(32) });
  assert.throws(() => parseChecksum('sha256'), { code: 'EINVALIDSOURCE' });
  assert.throws(() => parseChecksum('sha1:' + 'g'.repeat(40)), { code: 'EINVALIDSOURCE' });
});

test('qemu-img progress lines', () => {
  assert.equal(parseQemuProgress('    (0.00/100%)\r    (45.34/100%)\r'), 0.4534);
  assert.equal(parseQemuProgress('    (100.00/100%)\r'), 1);
  assert.equal(parseQemuProgress('no progress here'), undefined);
});
