// The entries of a zip archive (a VSIX is one), read with Node alone: the central directory
// names every entry, and each is stored or deflated. Enough for the archives vsce writes;
// ZIP64 and encryption are refused by name.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/** `Map<name, () => Buffer>`: every entry of the archive, read when asked for. */
export function zipEntries(file) {
  const zip = readFileSync(file);
  const end = findEndOfCentralDirectory(zip, file);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  if (count === 0xffff || at === 0xffffffff) throw new Error(`${file} is a ZIP64 archive, which this reader does not handle.`);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL_FILE_HEADER) throw new Error(`${file}: entry ${i} of the central directory is damaged.`);
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (flags & 1) throw new Error(`${file}: ${name} is encrypted.`);
    entries.set(name, () => {
      if (zip.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER) throw new Error(`${file}: the local header of ${name} is damaged.`);
      const start = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(start, start + compressedSize);
      const content = method === 0 ? Buffer.from(data) : method === 8 ? inflateRawSync(data) : null;
      if (content === null) throw new Error(`${file}: ${name} uses compression method ${method}, which this reader does not handle.`);
      if (content.length !== size) throw new Error(`${file}: ${name} holds ${content.length} bytes, its header says ${size}.`);
      return content;
    });
  }
  return entries;
}

function findEndOfCentralDirectory(zip, file) {
  // The record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw new Error(`${file} is not a zip archive (no end of central directory).`);
}
