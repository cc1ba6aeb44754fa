import { createHash } from 'node:crypto';

/** Hex SHA-256 of bytes: the checksum recorded in every manifest. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
