// What a native binary is built for, from its own headers (no `file` command): ELF
// (machine, and the C library its dynamic section names), Mach-O (CPU type; every slice of
// a universal binary) or PE (machine). Used to check that each VSIX carries the DuckDB
// binding of its target platform.

const ELF_MACHINES = { 0x3e: 'x64', 0xb7: 'arm64', 0x03: 'ia32', 0x28: 'arm' };
const MACHO_CPUS = { 0x01000007: 'x64', 0x0100000c: 'arm64', 0x00000007: 'ia32', 0x0000000c: 'arm' };
const PE_MACHINES = { 0x8664: 'x64', 0xaa64: 'arm64', 0x014c: 'ia32', 0x01c4: 'arm' };

/**
 * `{ format: 'ELF' | 'Mach-O' | 'PE', archs: ['x64', ...], libc: 'glibc' | 'musl' | null }`,
 * or `{ problem }` for bytes that are none of them. `libc` is read from an ELF's DT_NEEDED
 * entries (`libc.so.6` or `libc.musl-<arch>.so.1`).
 */
export function nativeFileType(bytes) {
  if (bytes.length >= 64 && bytes.readUInt32BE(0) === 0x7f454c46) return elfType(bytes);
  if (bytes.length >= 8 && bytes.readUInt32LE(0) === 0xfeedfacf) return { format: 'Mach-O', archs: [MACHO_CPUS[bytes.readUInt32LE(4)] ?? hex(bytes.readUInt32LE(4))], libc: null };
  if (bytes.length >= 8 && (bytes.readUInt32BE(0) === 0xcafebabe || bytes.readUInt32BE(0) === 0xcafebabf)) return universalType(bytes);
  if (bytes.length >= 64 && bytes.toString('latin1', 0, 2) === 'MZ') return peType(bytes);
  return { problem: `not a native binary (starts ${bytes.subarray(0, 4).toString('hex') || 'empty'})` };
}

function elfType(bytes) {
  if (bytes[4] !== 2 || bytes[5] !== 1) return { problem: 'an ELF file that is not 64-bit little-endian' };
  const machine = bytes.readUInt16LE(0x12);
  return { format: 'ELF', archs: [ELF_MACHINES[machine] ?? hex(machine)], libc: elfLibc(bytes) };
}

/** The C library named by the dynamic section's DT_NEEDED entries; null when it names none known. */
function elfLibc(bytes) {
  const sectionsAt = Number(bytes.readBigUInt64LE(0x28));
  const sectionSize = bytes.readUInt16LE(0x3a);
  const sectionCount = bytes.readUInt16LE(0x3c);
  const section = (i) => {
    const at = sectionsAt + i * sectionSize;
    return { type: bytes.readUInt32LE(at + 4), offset: Number(bytes.readBigUInt64LE(at + 24)), size: Number(bytes.readBigUInt64LE(at + 32)), link: bytes.readUInt32LE(at + 40) };
  };
  const needed = [];
  for (let i = 0; i < sectionCount; i++) {
    const dynamic = section(i);
    if (dynamic.type !== 6) continue; // SHT_DYNAMIC
    const strings = section(dynamic.link);
    for (let at = dynamic.offset; at + 16 <= dynamic.offset + dynamic.size; at += 16) {
      const tag = bytes.readBigInt64LE(at);
      if (tag === 0n) break; // DT_NULL
      if (tag !== 1n) continue; // DT_NEEDED
      const start = strings.offset + Number(bytes.readBigUInt64LE(at + 8));
      needed.push(bytes.toString('latin1', start, bytes.indexOf(0, start)));
    }
  }
  if (needed.some((n) => /^libc\.musl-/.test(n))) return 'musl';
  if (needed.includes('libc.so.6')) return 'glibc';
  return null;
}

function universalType(bytes) {
  const wide = bytes.readUInt32BE(0) === 0xcafebabf;
  const count = bytes.readUInt32BE(4);
  const size = wide ? 32 : 20;
  if (count === 0 || count > 16 || bytes.length < 8 + count * size) return { problem: 'a damaged universal Mach-O header' };
  const archs = [];
  for (let i = 0; i < count; i++) {
    const cpu = bytes.readUInt32BE(8 + i * size);
    archs.push(MACHO_CPUS[cpu] ?? hex(cpu));
  }
  return { format: 'Mach-O', archs, libc: null };
}

function peType(bytes) {
  const at = bytes.readUInt32LE(0x3c);
  if (at + 6 > bytes.length || bytes.readUInt32BE(at) !== 0x50450000) return { problem: 'an MZ file without a PE header' };
  const machine = bytes.readUInt16LE(at + 4);
  return { format: 'PE', archs: [PE_MACHINES[machine] ?? hex(machine)], libc: null };
}

function hex(n) {
  return `0x${n.toString(16)}`;
}

/** What a VS Code target's binding must be, and the name of the DuckDB library beside duckdb.node. */
export function expectedFileType(target) {
  const [platform, arch] = target.split('-');
  switch (platform) {
    case 'darwin':
      return { format: 'Mach-O', arch, libc: null, library: 'libduckdb.dylib' };
    case 'linux':
      return { format: 'ELF', arch, libc: 'glibc', library: 'libduckdb.so' };
    case 'alpine':
      return { format: 'ELF', arch, libc: 'musl', library: 'libduckdb.so' };
    case 'win32':
      return { format: 'PE', arch, libc: null, library: 'duckdb.dll' };
    default:
      throw new Error(`No native file type known for the target ${target}.`);
  }
}

/** Why `bytes` cannot run on `target`, or null when it can. */
export function fileTypeMismatch(bytes, target) {
  const expected = expectedFileType(target);
  const actual = nativeFileType(bytes);
  if (actual.problem) return actual.problem;
  const describe = (t) => `${t.format} ${t.archs.join('+')}${t.libc ? ` (${t.libc})` : ''}`;
  if (actual.format !== expected.format || !actual.archs.includes(expected.arch) || (expected.libc && actual.libc !== expected.libc)) {
    return `${describe(actual)}, but ${target} needs ${expected.format} ${expected.arch}${expected.libc ? ` (${expected.libc})` : ''}`;
  }
  return null;
}
